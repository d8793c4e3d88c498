import { describe, expect, test } from "bun:test";
import { Duration } from "../core/duration.ts";
import {
  fixtureExpectations as e,
  fixtureTime,
  healthyObservation,
  prometheusFrom,
  scraperFrom,
  target,
} from "../testing/smoke-fixtures.ts";
import { type Clock, nextObservationIn, pollUntilPassed } from "./poller.ts";

/** A clock that only moves when the poller sleeps, and records each sleep. */
function fakeClock(start: number): Clock & { sleeps: number[] } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    async sleep(ms) {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe("pollUntilPassed", () => {
  test("GIVEN Prometheus ready on the third look THEN it passes then, after backing off, with progress lines", async () => {
    const o = await healthyObservation();
    const prometheus = prometheusFrom(o, 2);
    const clock = fakeClock(fixtureTime);
    const lines: string[] = [];
    const run = await pollUntilPassed({
      sources: { prometheus, scraper: scraperFrom(o) },
      expectations: e,
      timeout: Duration.parse("3m"),
      clock,
      progress: (l) => lines.push(l),
    });
    expect(run.verdict.passed).toBe(true);
    expect(run.attempts).toBe(3);
    expect(clock.sleeps).toEqual([200, 400]);
    expect(lines[0]).toStartWith("smoke staging: attempt 1, ");
    expect(lines[0]).toContain("prometheus-ready");
  });

  test("GIVEN Prometheus never ready THEN it stops at the timeout with a failing verdict", async () => {
    const o = await healthyObservation();
    const clock = fakeClock(fixtureTime);
    const run = await pollUntilPassed({
      sources: { prometheus: prometheusFrom(o, Number.POSITIVE_INFINITY), scraper: scraperFrom(o) },
      expectations: e,
      timeout: Duration.parse("10s"),
      clock,
    });
    expect(run.timedOut).toBe(true);
    expect(run.verdict.passed).toBe(false);
    expect(run.elapsedMs).toBe(10_000);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(10_000);
  });
});

describe("nextObservationIn", () => {
  test("wakes just after the earliest next scrape, not after a fixed sleep", async () => {
    const o = await healthyObservation((o) => ({
      ...o,
      targets: {
        ok: true,
        value: [
          target("api", { lastScrape: new Date(fixtureTime - 14_000).toISOString(), scrapeInterval: "15s" }),
          target("worker", {
            lastScrape: new Date(fixtureTime - 2_000).toISOString(),
            scrapeInterval: "15s",
          }),
        ],
      },
    }));
    expect(nextObservationIn(o, e, fixtureTime, 1)).toBe(1_050);
    // A target that missed its scrape: the next one is due a whole interval later.
    expect(nextObservationIn(o, e, fixtureTime + 5_000, 1)).toBe(8_050);
  });

  test("backs off while targets are unknown or never scraped", async () => {
    const none = await healthyObservation((o) => ({ ...o, targets: { ok: true, value: [] } }));
    expect([1, 2, 3, 10].map((n) => nextObservationIn(none, e, fixtureTime, n))).toEqual([
      200, 400, 800, 15_000,
    ]);
    const fresh = await healthyObservation((o) => ({
      ...o,
      targets: {
        ok: true,
        value: [target("api", { health: "unknown", lastScrape: "0001-01-01T00:00:00Z" })],
      },
    }));
    expect(nextObservationIn(fresh, e, fixtureTime, 5)).toBe(250);
  });
});
