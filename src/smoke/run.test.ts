import { describe, expect, test } from "bun:test";
import { Duration } from "../core/duration.ts";
import {
  fixtureExpectations,
  fixtureTime,
  healthyObservation,
  prometheusFrom,
  scraperFrom,
} from "../testing/smoke-fixtures.ts";
import { type PrometheusAccess, type SourceReach, smoke } from "./run.ts";

describe("smoke", () => {
  test("GIVEN an opener THEN the run reads the sources it opens, and counts and bounds every request sent through its fetch", async () => {
    const o = await healthyObservation();
    const access: PrometheusAccess = { kind: "cluster", kubeconfig: "kc.yaml", context: "east" };
    const reached: SourceReach[] = [];
    const signals: (AbortSignal | null | undefined)[] = [];
    const run = await smoke({
      expectations: fixtureExpectations,
      access,
      grafanaUrl: "http://grafana.test",
      timeout: Duration.parse("1m"),
      env: { GRAFANA_TOKEN: "t" },
      fetch: async (_url, init) => {
        signals.push(init?.signal);
        return new Response("ok");
      },
      clock: { now: () => fixtureTime, sleep: async () => {} },
      async open(reach, fetch) {
        reached.push(reach);
        await fetch("http://prometheus.test/-/ready");
        await fetch("http://prometheus.test/api/v1/status/buildinfo");
        return { prometheus: prometheusFrom(o), scraper: scraperFrom(o) };
      },
    });
    expect(run.run.verdict.passed).toBe(true);
    expect(run.requests).toBe(2);
    expect(signals.every((s) => s instanceof AbortSignal)).toBe(true);
    expect(reached.map(({ access, grafanaUrl, env }) => ({ access, grafanaUrl, env }))).toEqual([
      { access, grafanaUrl: "http://grafana.test", env: { GRAFANA_TOKEN: "t" } },
    ]);
  });
});
