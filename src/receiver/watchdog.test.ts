import { describe, expect, test } from "bun:test";
import { FakeClock, ScriptedSink, serverError } from "../testing/receiver/doubles.ts";
import { alert, notification, post } from "../testing/receiver/notifications.ts";
import { loadConfig } from "./config.ts";
import { createReceiver } from "./handler.ts";
import type { RoutedSink } from "./sinks/index.ts";
import { MemoryStore } from "./store.ts";
import {
  afterAction,
  type EnvironmentWatch,
  SilentAlertName,
  watchdogActions,
  watchdogNotification,
} from "./watchdog.ts";

const minute = 60_000;
const window = 5 * minute;

describe("watchdogActions, a pure function of (state, now)", () => {
  const t0 = Date.parse("2026-11-30T01:00:00Z");

  test("GIVEN a Watchdog at t0 THEN nothing until the window has passed, then silent once", () => {
    let w: EnvironmentWatch = { environment: "staging", lastSeen: t0 };
    expect(watchdogActions([w], t0 + window, window, t0)).toEqual([]);
    const actions = watchdogActions([w], t0 + window + 1, window, t0);
    expect(actions).toEqual([{ kind: "silent", environment: "staging", since: t0 }]);
    w = { ...w, ...afterAction(actions[0] as never) };
    expect(watchdogActions([w], t0 + 60 * minute, window, t0)).toEqual([]);
  });

  test("GIVEN a silent environment WHEN its Watchdog comes back THEN back once", () => {
    let w: EnvironmentWatch = { environment: "staging", lastSeen: t0 + 20 * minute, silentSince: t0 };
    const actions = watchdogActions([w], t0 + 20 * minute, window, t0);
    expect(actions).toEqual([{ kind: "back", environment: "staging", since: t0, at: t0 + 20 * minute }]);
    w = { ...w, ...afterAction(actions[0] as never) };
    expect(watchdogActions([w], t0 + 21 * minute, window, t0)).toEqual([]);
  });

  test("an environment that never sent a Watchdog counts from when watching started", () => {
    const w: EnvironmentWatch = { environment: "production" };
    expect(watchdogActions([w], t0 + window, window, t0)).toEqual([]);
    expect(watchdogActions([w], t0 + window + 1, window, t0)).toEqual([
      { kind: "silent", environment: "production", since: t0 },
    ]);
  });

  test("the announcement is an alert every instance builds the same way", () => {
    const silent = watchdogNotification(
      { kind: "silent", environment: "staging", since: t0 },
      { alertname: "Watchdog", silenceMs: window, severity: "critical" },
    );
    expect(silent.status).toBe("firing");
    expect(silent.alerts[0]?.labels).toEqual({
      alertname: SilentAlertName,
      environment: "staging",
      severity: "critical",
    });
    expect(silent.alerts[0]?.startsAt).toBe("2026-11-30T01:05:00.000Z");
    expect(silent.alerts[0]?.annotations.summary).toContain("No Watchdog alert from staging since");
    const back = watchdogNotification(
      { kind: "back", environment: "staging", since: t0, at: t0 + 20 * minute },
      { alertname: "Watchdog", silenceMs: window, severity: "critical" },
    );
    expect(back.status).toBe("resolved");
    expect(back.alerts[0]?.fingerprint).toBe(silent.alerts[0]?.fingerprint);
  });
});

const token = "tok-watchdog-0123456789";
const base = "http://receiver.local";

function setup(json: object = {}, sinks?: RoutedSink[], env: { silence?: string } = {}) {
  const clock = new FakeClock();
  const sink = new ScriptedSink("oncall");
  const events: Record<string, unknown>[] = [];
  const receiver = createReceiver({
    config: loadConfig({ json: JSON.stringify(json), defaultToken: token, watchdogSilence: env.silence }),
    store: new MemoryStore(),
    fetch: () => Promise.reject(new Error("no network in unit tests")),
    now: clock.now,
    sleep: clock.sleep,
    sinks: sinks ?? [{ sink }],
    log: (e) => events.push(e),
  });
  const watchdog = (environment: string) =>
    receiver.handle(
      post(
        `${base}/alertmanager`,
        notification({
          groupKey: `{}:{alertname="Watchdog"}`,
          alerts: [
            alert({
              fingerprint: `wd-${environment}`,
              labels: { alertname: "Watchdog", environment, severity: "none" },
              annotations: { summary: "heartbeat" },
            }),
          ],
        }),
        token,
      ),
    );
  const advance = (ms: number) => {
    clock.t += ms;
  };
  return { receiver, clock, sink, watchdog, advance, events };
}

describe("the dead man's switch in the receiver (fake clock)", () => {
  test("GIVEN Watchdogs from staging WHEN they stop THEN the sinks hear once, and once when they return", async () => {
    const { receiver, sink, watchdog, advance } = setup();
    // The Watchdog itself is never posted.
    const res = await watchdog("staging");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", watchdog: ["staging"] });
    expect(sink.sent).toEqual([]);
    for (let i = 0; i < 4; i++) {
      advance(minute);
      expect(await receiver.tick()).toEqual([]);
      expect((await watchdog("staging")).status).toBe(200);
    }
    expect(sink.sent).toEqual([]);

    // Silent: checked every minute for 20 minutes, announced once.
    const announced = [];
    for (let i = 0; i < 20; i++) {
      advance(minute);
      announced.push(...(await receiver.tick()));
    }
    expect(announced.map((a) => a.kind)).toEqual(["silent"]);
    expect(sink.sent).toHaveLength(1);

    // Back: announced as soon as the Watchdog arrives, once.
    expect((await watchdog("staging")).status).toBe(200);
    expect(sink.sent).toHaveLength(2);
    advance(minute);
    expect(await receiver.tick()).toEqual([]);
    expect((await watchdog("staging")).status).toBe(200);
    expect(sink.sent).toHaveLength(2);
    const page = await (
      await receiver.handle(new Request(`${base}/`, { headers: { authorization: `Bearer ${token}` } }))
    ).text();
    expect(page).toContain('id="watchdog"');
    expect(page).toContain("reporting");
    expect(page).not.toContain(`${SilentAlertName}</td>`);
  });

  test("the announcement reaches the sinks that match its environment and severity", async () => {
    const staging = new ScriptedSink("staging");
    const production = new ScriptedSink("production");
    const { receiver, watchdog, advance } = setup({}, [
      { sink: staging, match: { environment: ["staging"], severity: ["critical"] } },
      { sink: production, match: { environment: ["production"] } },
    ]);
    await watchdog("staging");
    advance(6 * minute);
    await receiver.tick();
    expect(staging.sent).toHaveLength(1);
    expect(production.sent).toEqual([]);
  });

  test("a sink that failed hears again at the next check; one that had it hears nothing twice", async () => {
    const flaky = new ScriptedSink("flaky").failing(serverError, serverError);
    const steady = new ScriptedSink("steady");
    const { receiver, watchdog, advance } = setup({ deadline: "200ms" }, [{ sink: flaky }, { sink: steady }]);
    await watchdog("staging");
    advance(6 * minute);
    expect(await receiver.tick()).toEqual([]);
    expect(flaky.sent).toEqual([]);
    expect(steady.sent).toHaveLength(1);
    advance(minute);
    expect((await receiver.tick()).map((a) => a.kind)).toEqual(["silent"]);
    expect(flaky.sent).toHaveLength(1);
    expect(steady.sent).toHaveLength(1);
    advance(minute);
    expect(await receiver.tick()).toEqual([]);
  });

  test("a listed environment that never sends a Watchdog is announced after the window", async () => {
    const { receiver, sink, advance } = setup({ watchdog: { environments: ["production"] } });
    expect(await receiver.tick()).toEqual([]);
    advance(5 * minute);
    expect(await receiver.tick()).toEqual([]);
    advance(1);
    expect((await receiver.tick()).map((a) => `${a.kind} ${a.environment}`)).toEqual(["silent production"]);
    expect(sink.sent).toHaveLength(1);
  });

  test("FLYBY_RECEIVER_WATCHDOG_SILENCE sets the window; other alerts in a Watchdog's notification still go out", async () => {
    const { receiver, sink, advance, clock } = setup({}, undefined, { silence: "2m" });
    const mixed = notification({
      alerts: [
        alert({
          fingerprint: "wd",
          labels: { alertname: "Watchdog", environment: "staging", severity: "none" },
        }),
        alert({ fingerprint: "real" }),
      ],
    });
    expect((await receiver.handle(post(`${base}/alertmanager`, mixed, token))).status).toBe(200);
    expect(sink.sent).toEqual([expect.objectContaining({ alerts: 1 })] as never);
    advance(2 * minute + 1);
    expect((await receiver.tick()).map((a) => a.kind)).toEqual(["silent"]);
    expect(clock.t).toBeGreaterThan(0);
    expect(() => loadConfig({ defaultToken: token, watchdogSilence: "soon" })).toThrow(
      /FLYBY_RECEIVER_WATCHDOG_SILENCE "soon" is not a duration/,
    );
  });

  test("a silent production right after a deploy never dispatches a rollback", async () => {
    const clock = new FakeClock();
    const calls: string[] = [];
    const config = loadConfig({
      defaultToken: token,
      json: JSON.stringify({
        sinks: [{ type: "rollback", name: "rollback", repo: "o/r", token: "gh-token-0123456789" }],
        deployments: { repo: "o/r", token: "gh-token-0123456789" },
        watchdog: { environments: ["production"] },
      }),
    });
    const receiver = createReceiver({
      config,
      store: new MemoryStore(),
      fetch: async (url) => {
        calls.push(url);
        return new Response("{}");
      },
      now: clock.now,
      sleep: clock.sleep,
      deployments: {
        latest: async (environment) => ({ environment, ref: "v1", sha: "abc", reachedAt: clock.t }),
      },
    });
    await receiver.tick();
    clock.t += 6 * minute;
    expect((await receiver.tick()).map((a) => a.kind)).toEqual(["silent"]);
    expect(calls).toEqual([]);
  });
});
