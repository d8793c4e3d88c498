import { describe, expect, test } from "bun:test";
import { environmentLabel } from "../core/labels.ts";
import { FakeClock, rateLimited, rejected, ScriptedSink, serverError } from "../testing/receiver/doubles.ts";
import { alert, manyAlerts, notification, post } from "../testing/receiver/notifications.ts";
import { SignatureHeader, sign, TimestampHeader } from "./auth.ts";
import { loadConfig } from "./config.ts";
import { createReceiver, MaxBodyBytes } from "./handler.ts";
import type { RoutedSink } from "./sinks/index.ts";
import { MemoryStore } from "./store.ts";

const token = "tok-alertmanager-0123456789";
const base = "http://receiver.local";

function setup(
  options: { sinks?: RoutedSink[]; json?: object; log?: (e: Record<string, unknown>) => void } = {},
) {
  const clock = new FakeClock();
  const store = new MemoryStore();
  const config = loadConfig({ json: JSON.stringify(options.json ?? {}), defaultToken: token });
  const receiver = createReceiver({
    config,
    store,
    fetch: () => Promise.reject(new Error("no network in unit tests")),
    now: clock.now,
    sleep: clock.sleep,
    sinks: options.sinks ?? [],
    ...(options.log ? { log: options.log } : {}),
  });
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    receiver.handle(post(`${base}/alertmanager`, body, token, headers));
  return { receiver, clock, store, send };
}

describe("requests", () => {
  test("GET /healthz needs no token", async () => {
    const { receiver } = setup();
    const res = await receiver.handle(new Request(`${base}/healthz`));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("ok\n");
  });

  test("a missing or wrong bearer token is 401 on every protected route", async () => {
    const { receiver } = setup();
    for (const path of ["/alertmanager", "/metrics", "/"]) {
      const method = path === "/alertmanager" ? "POST" : "GET";
      const none = await receiver.handle(new Request(`${base}${path}`, { method }));
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toContain("Bearer");
      const wrong = await receiver.handle(
        new Request(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}x` } }),
      );
      expect(wrong.status).toBe(401);
    }
  });

  test("with auth explicitly off, routes answer without a token", async () => {
    const clock = new FakeClock();
    const receiver = createReceiver({
      config: loadConfig({ insecureNoAuth: true }),
      store: new MemoryStore(),
      fetch: () => Promise.reject(new Error("no network in unit tests")),
      now: clock.now,
      sleep: clock.sleep,
      sinks: [],
    });
    expect((await receiver.handle(post(`${base}/alertmanager`, notification(), undefined))).status).toBe(200);
    expect((await receiver.handle(new Request(`${base}/metrics`))).status).toBe(200);
  });

  test("per-route tokens replace the default one", async () => {
    const { receiver } = setup({ json: { tokens: { metrics: ["scrape-token-abcdef"] } } });
    const withDefault = new Request(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect((await receiver.handle(withDefault)).status).toBe(401);
    const withRoute = new Request(`${base}/metrics`, {
      headers: { authorization: "Bearer scrape-token-abcdef" },
    });
    const res = await receiver.handle(withRoute);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
  });

  test("a wrong content type is 415", async () => {
    const { send } = setup();
    const res = await send(notification(), { "content-type": "text/plain" });
    expect(res.status).toBe(415);
  });

  test("a body over 1 MiB is 413, whether declared or streamed", async () => {
    const { receiver, send } = setup();
    expect((await send("x".repeat(MaxBodyBytes + 1))).status).toBe(413);
    const chunk = new Uint8Array(256 * 1024);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 5) c.enqueue(chunk);
        else c.close();
      },
    });
    const streamed = new Request(`${base}/alertmanager`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: stream,
    });
    expect((await receiver.handle(streamed)).status).toBe(413);
  });

  test("invalid JSON and schema violations are 400 with the field path", async () => {
    const { send } = setup();
    const bad = await send("{not json");
    expect(bad.status).toBe(400);
    const n = notification();
    const broken = { ...n, alerts: [{ ...n.alerts[0], fingerprint: undefined }] };
    const res = await send(broken);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { field: string; error: string };
    expect(body.field).toBe("alerts[0].fingerprint");
    expect(body.error).toStartWith("alerts[0].fingerprint:");
    const version = await send({ ...n, version: "3" });
    expect(((await version.json()) as { field: string }).field).toBe("version");
  });

  test("unknown paths are 404 and wrong methods 405 with Allow", async () => {
    const { receiver } = setup();
    expect((await receiver.handle(new Request(`${base}/nope`))).status).toBe(404);
    const res = await receiver.handle(
      new Request(`${base}/alertmanager`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });
});

describe("delivery", () => {
  test("GIVEN a delivered notification WHEN it arrives again THEN nothing is sent twice", async () => {
    const sink = new ScriptedSink("slack");
    const { send, receiver } = setup({ sinks: [{ sink }] });
    const first = await send(notification());
    expect(first.status).toBe(200);
    expect(((await first.json()) as { duplicate: boolean }).duplicate).toBe(false);
    const again = await send(notification({ alerts: [alert()] }));
    expect(again.status).toBe(200);
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(sink.sent).toHaveLength(1);
    const metrics = await (
      await receiver.handle(new Request(`${base}/metrics`, { headers: { authorization: `Bearer ${token}` } }))
    ).text();
    expect(metrics).toContain('flyby_receiver_deliveries_total{sink="slack",result="delivered"} 1');
    expect(metrics).toContain('flyby_receiver_deliveries_total{sink="slack",result="duplicate"} 1');
    expect(metrics).toContain("flyby_receiver_duplicates_suppressed_total 1");
    expect(metrics).toContain('flyby_receiver_notifications_received_total{status="firing"} 2');
  });

  test("a sink's 5xx and 429 are retried within the deadline", async () => {
    const sink = new ScriptedSink("slack").failing(serverError, rateLimited, serverError);
    const { send, clock } = setup({ sinks: [{ sink }] });
    const before = clock.t;
    const res = await send(notification());
    expect(res.status).toBe(200);
    expect(sink.sent).toHaveLength(1);
    // 100 ms backoff, then the 1 s Retry-After, then 400 ms backoff.
    expect(clock.t - before).toBe(1500);
  });

  test("a sink that keeps failing gives 502, and the retry redoes only what failed", async () => {
    // Backoff 100, 200, 400 ... ms: seven attempts fit in the 8 s deadline.
    const good = new ScriptedSink("github");
    const flaky = new ScriptedSink("slack", 3).failing({ ok: true }, ...Array(7).fill(serverError));
    const { send } = setup({ sinks: [{ sink: good }, { sink: flaky }] });
    const res = await send(notification());
    expect(res.status).toBe(502);
    const body = (await res.json()) as { sinks: { sink: string; delivered: number; failed: number }[] };
    expect(body.sinks).toEqual([
      { sink: "github", delivered: 1, duplicate: 0, failed: 0 },
      expect.objectContaining({ sink: "slack", delivered: 1, failed: 2 }),
    ] as never);
    expect(flaky.sent.map((s) => s.part)).toEqual([0]);

    const retry = await send(notification());
    expect(retry.status).toBe(200);
    expect(good.sent).toHaveLength(1);
    expect(flaky.sent.map((s) => s.part)).toEqual([0, 1, 2]);
  });

  test("a sink's permanent 4xx is still answered with 5xx, without retrying inline", async () => {
    const sink = new ScriptedSink("slack").failing(rejected);
    const { send, clock } = setup({ sinks: [{ sink }] });
    const before = clock.t;
    const res = await send(notification());
    expect(res.status).toBe(502);
    expect(clock.t).toBe(before);
    expect((await send(notification())).status).toBe(200);
  });

  test("GIVEN a delivery in flight WHEN a second copy arrives THEN it is not sent twice and the copy gets 503", async () => {
    let release = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const sent: string[] = [];
    let started = () => {};
    const inFlight = new Promise<void>((r) => {
      started = r;
    });
    const slow: RoutedSink = {
      sink: {
        name: "slack",
        deliveries: (out) => [
          {
            id: "m",
            send: async () => {
              started();
              await gate;
              sent.push(out.key);
              return { ok: true };
            },
          },
        ],
      },
    };
    const { send } = setup({ sinks: [slow] });
    const first = send(notification());
    // The second copy arrives once the first is being delivered (it holds the claim).
    await inFlight;
    const second = await send(notification());
    expect(second.status).toBe(503);
    expect(second.headers.get("retry-after")).toBe("1");
    release();
    expect((await first).status).toBe(200);
    expect((await send(notification())).status).toBe(200);
    expect(sent).toHaveLength(1);
  });

  test("routing by environment, severity and team gives each sink only its alerts", async () => {
    const staging = new ScriptedSink("staging");
    const critical = new ScriptedSink("critical");
    const { send } = setup({
      sinks: [
        { sink: staging, match: { environment: ["staging"] } },
        { sink: critical, match: { severity: ["critical"], team: ["api"] } },
      ],
    });
    const alerts = [
      ...manyAlerts(2, "production"),
      alert({
        fingerprint: "s1",
        labels: { alertname: "X", environment: "staging", severity: "warning", team: "api" },
      }),
    ];
    expect((await send(notification({ alerts }))).status).toBe(200);
    expect(staging.sent).toEqual([expect.objectContaining({ alerts: 1 })] as never);
    expect(critical.sent).toEqual([expect.objectContaining({ alerts: 2 })] as never);
  });

  test("the label alerts carry, `environment`, routes them and files them on the status page", async () => {
    // GIVEN sinks matching on the environment, one written with the old `env` key
    const config = loadConfig({
      defaultToken: token,
      json: JSON.stringify({
        sinks: [
          {
            type: "webhook",
            name: "staging",
            url: "http://hook.local/a",
            match: { environment: ["staging"] },
          },
          { type: "webhook", name: "legacy", url: "http://hook.local/b", match: { env: ["staging"] } },
        ],
      }),
    });
    const staging = new ScriptedSink("staging");
    const legacy = new ScriptedSink("legacy");
    const clock = new FakeClock();
    const receiver = createReceiver({
      config,
      store: new MemoryStore(),
      fetch: () => Promise.reject(new Error("no network in unit tests")),
      now: clock.now,
      sleep: clock.sleep,
      sinks: [staging, legacy].map((sink, i) => ({ sink, match: config.sinks[i]?.match })),
    });
    // WHEN an alert labelled as Prometheus labels it arrives
    const a = alert({
      labels: { alertname: "QueueBacklog", [environmentLabel]: "staging", severity: "warning" },
    });
    expect(
      (await receiver.handle(post(`${base}/alertmanager`, notification({ alerts: [a] }), token))).status,
    ).toBe(200);
    // THEN both sinks get it and the status page files it under staging, not "-"
    expect(staging.sent).toHaveLength(1);
    expect(legacy.sent).toHaveLength(1);
    const page = await (
      await receiver.handle(new Request(`${base}/`, { headers: { authorization: `Bearer ${token}` } }))
    ).text();
    expect(page).toContain('id="firing-staging"');
    expect(page).not.toContain('id="firing--"');
  });

  test("secret-looking annotations reach neither sinks nor logs", async () => {
    const seen: string[] = [];
    const events: string[] = [];
    const spy: RoutedSink = {
      sink: {
        name: "spy",
        deliveries: (out) => [
          {
            id: "x",
            send: async () => {
              seen.push(JSON.stringify(out.notification));
              return { ok: true };
            },
          },
        ],
      },
    };
    const { send } = setup({ sinks: [spy], log: (e) => events.push(JSON.stringify(e)) });
    const leaky = alert({
      annotations: { summary: "db down", db_password: "hunter2", note: "use xoxb-1234-abcd to post" },
    });
    expect((await send(notification({ alerts: [leaky] }))).status).toBe(200);
    for (const text of [...seen, ...events]) {
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("xoxb-1234");
      expect(text).not.toContain(token);
    }
    expect(seen[0]).toContain("db down");
  });
});

describe("HMAC signatures", () => {
  const secret = "hmac-secret-value";
  const json = { hmac: { secret, window: "5m" } };

  async function signed(body: string, at: number, key = secret) {
    const ts = String(Math.floor(at / 1000));
    return { [TimestampHeader]: ts, [SignatureHeader]: await sign(key, ts, new TextEncoder().encode(body)) };
  }

  test("a good signature inside the window passes; a bad, missing or stale one is 401", async () => {
    const { send, clock } = setup({ json });
    const body = JSON.stringify(notification());
    expect((await send(body, await signed(body, clock.t))).status).toBe(200);
    expect((await send(body)).status).toBe(401);
    expect((await send(body, await signed(body, clock.t, "other"))).status).toBe(401);
    const stale = await send(body, await signed(body, clock.t - 6 * 60_000));
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as { error: string }).error).toContain("replay window");
  });
});

describe("status page", () => {
  test("shows firing alerts by environment and the last deliveries", async () => {
    const sink = new ScriptedSink("slack");
    const { send, receiver } = setup({ sinks: [{ sink }] });
    await send(notification());
    const res = await receiver.handle(
      new Request(`${base}/`, { headers: { authorization: `Bearer ${token}` } }),
    );
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('http-equiv="refresh"');
    expect(html).toContain("HighErrorRate");
    expect(html).toContain("slack: delivered");
  });
});
