import { describe, expect, test } from "bun:test";
import { FakeClock, rateLimited, rejected, ScriptedSink, serverError } from "../testing/receiver/doubles.ts";
import { alert, notification } from "../testing/receiver/notifications.ts";
import { loadConfig } from "./config.ts";
import { DeliveryEngine } from "./delivery.ts";
import { ReceiverMetrics } from "./metrics.ts";
import type { RoutedSink } from "./sinks/index.ts";
import type { Attempt, Outgoing, Sink } from "./sinks/sink.ts";
import { Claim, MemoryStore } from "./store.ts";

/** The defaults: an 8 s deadline, 3 s per attempt, deliveries remembered for an hour. */
const config = loadConfig({ json: "{}", insecureNoAuth: true });

function engine(
  sinks: RoutedSink[],
  fetch = (_: string, _i: RequestInit) => Promise.resolve(new Response()),
) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const metrics = new ReceiverMetrics();
  const e = new DeliveryEngine({ config, store, sinks, metrics, fetch, now: clock.now, sleep: clock.sleep });
  const deliver = (out: Outgoing = outgoing()) => e.deliver(out, clock.t + config.deadline.milliseconds);
  return { deliver, clock, store, metrics };
}

function outgoing(key = "key-1", alerts = [alert()]): Outgoing {
  return { key, notification: notification({ alerts }), deployContext: new Map(), deployments: new Map() };
}

async function metric(metrics: ReceiverMetrics, line: string): Promise<boolean> {
  return (await metrics.registry.metrics()).split("\n").includes(line);
}

describe("exactly once", () => {
  test("every delivery of every sink goes out once; the same notification again is a duplicate", async () => {
    const slack = new ScriptedSink("slack", 3);
    const github = new ScriptedSink("github");
    const { deliver } = engine([{ sink: slack }, { sink: github }]);
    expect(await deliver()).toEqual([
      { sink: "slack", delivered: 3, duplicate: 0, failed: 0, busy: false },
      { sink: "github", delivered: 1, duplicate: 0, failed: 0, busy: false },
    ]);
    expect(await deliver()).toEqual([
      { sink: "slack", delivered: 0, duplicate: 3, failed: 0, busy: false },
      { sink: "github", delivered: 0, duplicate: 1, failed: 0, busy: false },
    ]);
    expect(slack.sent.map((s) => s.part)).toEqual([0, 1, 2]);
    expect(github.sent).toHaveLength(1);
  });

  test("a sink gets only the alerts its match passes, and nothing when none does", async () => {
    const staging = new ScriptedSink("staging");
    const production = new ScriptedSink("production");
    const { deliver } = engine([
      { sink: staging, match: { environment: ["staging"] } },
      { sink: production, match: { environment: ["production"] } },
    ]);
    const mixed = [
      alert({ fingerprint: "p1" }),
      alert({
        fingerprint: "s1",
        labels: { alertname: "Slow", environment: "staging", severity: "warning" },
      }),
    ];
    expect((await deliver(outgoing("k-mixed", mixed))).map((r) => r.sink)).toEqual(["staging", "production"]);
    expect([staging.sent[0]?.alerts, production.sent[0]?.alerts]).toEqual([1, 1]);
    expect((await deliver(outgoing("k-prod"))).map((r) => r.sink)).toEqual(["production"]);
  });
});

describe("retries", () => {
  test("5xx and 429 are retried with backoff and Retry-After, each failed attempt counted", async () => {
    const sink = new ScriptedSink("slack").failing(serverError, rateLimited, serverError);
    const { deliver, clock, metrics } = engine([{ sink }]);
    const before = clock.t;
    expect(await deliver()).toEqual([{ sink: "slack", delivered: 1, duplicate: 0, failed: 0, busy: false }]);
    // 100 ms backoff, then the 1 s Retry-After, then 400 ms backoff.
    expect(clock.t - before).toBe(1500);
    expect(await metric(metrics, 'flyby_receiver_sink_attempt_failures_total{sink="slack"} 3')).toBe(true);
  });

  test("a permanent 4xx fails at once; the rest of the sink's deliveries wait for the next try", async () => {
    const sink = new ScriptedSink("slack", 3).failing({ ok: true }, rejected);
    const { deliver, clock, metrics } = engine([{ sink }]);
    const before = clock.t;
    expect(await deliver()).toEqual([
      {
        sink: "slack",
        delivered: 1,
        duplicate: 0,
        failed: 2,
        reason: "answered 400 invalid_blocks",
        busy: false,
      },
    ]);
    expect(clock.t).toBe(before);
    expect(await metric(metrics, 'flyby_receiver_deliveries_total{sink="slack",result="failed"} 2')).toBe(
      true,
    );
    // The claim was given back: the next try sends what failed, and only that.
    expect(await deliver()).toEqual([{ sink: "slack", delivered: 2, duplicate: 1, failed: 0, busy: false }]);
    expect(sink.sent.map((s) => s.part)).toEqual([0, 1, 2]);
  });

  test("GIVEN a sink that stays down WHEN the next wait would pass the deadline THEN it fails in time", async () => {
    const sink = new ScriptedSink("slack").failing(...Array(20).fill(serverError));
    const { deliver, clock } = engine([{ sink }]);
    const before = clock.t;
    const [result] = await deliver();
    expect(result).toMatchObject({ failed: 1, reason: "answered 500" });
    // 100 + 200 + ... + 3200 = 6300 ms; the next 6400 ms would end past the 8 s deadline.
    expect(clock.t - before).toBe(6300);
  });

  test("each attempt's request carries a timeout of at most attemptTimeout", async () => {
    const signals: (AbortSignal | null | undefined)[] = [];
    const calling: Sink = {
      name: "hook",
      deliveries: () => [
        {
          id: "one",
          send: async (http): Promise<Attempt> => {
            await http("http://hook.local/", { method: "POST" });
            return { ok: true };
          },
        },
      ],
    };
    const { deliver } = engine([{ sink: calling }], async (_url, init) => {
      signals.push(init.signal);
      return new Response();
    });
    await deliver();
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
  });
});

describe("concurrent copies", () => {
  test("a delivery another request holds is not sent; the copy fails as busy when the deadline comes", async () => {
    const sink = new ScriptedSink("slack");
    const { deliver, store, clock } = engine([{ sink }]);
    expect(await store.claim("key-1/slack/part-0", clock.t, 60_000)).toBe(Claim.Claimed);
    expect(await deliver()).toEqual([
      {
        sink: "slack",
        delivered: 0,
        duplicate: 0,
        failed: 1,
        reason: "another request is delivering it",
        busy: true,
      },
    ]);
    expect(sink.sent).toEqual([]);
  });

  test("once the holder finishes, the waiting copy sees a duplicate", async () => {
    const sink = new ScriptedSink("slack");
    const clock = new FakeClock();
    const store = new MemoryStore();
    const id = "key-1/slack/part-0";
    await store.claim(id, clock.t, 60_000);
    let polls = 0;
    const sleep = async (ms: number) => {
      // The holder completes while the copy waits.
      if (++polls === 2) await store.complete(id, clock.t, 60_000);
      await clock.sleep(ms);
    };
    const metrics = new ReceiverMetrics();
    const fetch = () => Promise.reject(new Error("no network here"));
    const e = new DeliveryEngine({ config, store, sinks: [{ sink }], metrics, fetch, now: clock.now, sleep });
    expect(await e.deliver(outgoing(), clock.t + 8000)).toEqual([
      { sink: "slack", delivered: 0, duplicate: 1, failed: 0, busy: false },
    ]);
    expect([polls, sink.sent.length]).toEqual([2, 0]);
  });
});
