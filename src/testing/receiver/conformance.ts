import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeSlack } from "./fake-slack.ts";
import { alert, notification, post } from "./notifications.ts";

/**
 * A 413 sent before the upload ends may reset the connection while the client still writes;
 * a client then sees a network error instead of the answer. Try a few times for the answer.
 */
async function oversizedStatus(target: string): Promise<number | string> {
  let last: unknown;
  for (let i = 0; i < 3; i++) {
    try {
      // A fresh connection that is not reused: the server may close it after answering.
      const request = post(target, "x".repeat(2 * 1024 * 1024), conformanceToken, { connection: "close" });
      return (await fetch(request, { keepalive: false })).status;
    } catch (e) {
      last = e;
    }
  }
  return `no answer: ${String(last)}`;
}

export const conformanceToken = "tok-conformance-0123456789abcdef";

export interface RunningReceiver {
  readonly url: string;
  stop(): Promise<void>;
  /**
   * Runs the runtime's scheduled handler now, where the runtime lets a test ask for it
   * (Workers cron triggers). Without it the test waits for the runtime's own schedule.
   */
  check?(): Promise<void>;
  /** What the runtime has printed so far, where the test captures it (workerd under Miniflare). */
  output?(): string;
}

/** The sink results of the receiver's `notification` log lines for one group, in order. */
function loggedDeliveries(output: string, groupKey: string): unknown[] {
  return output
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { event: string; groupKey?: string; sinks: unknown[] })
    .filter((entry) => entry.event === "notification" && entry.groupKey === groupKey)
    .map((entry) => entry.sinks);
}

/** What every runtime is started with: the token and a config pointing at the fake Slack. */
export interface ReceiverLaunch {
  readonly FLYBY_RECEIVER_TOKEN: string;
  readonly FLYBY_RECEIVER_CONFIG: string;
}

/**
 * The same HTTP-level checks for every runtime the receiver runs on: status codes, exactly
 * one Slack message per notification, retries after a sink failure, metrics and status page.
 */
export function conformanceSuite(
  runtime: string,
  start: (launch: ReceiverLaunch) => Promise<RunningReceiver>,
  options: { atomicClaims?: boolean; scheduleMs?: number } = {},
) {
  const atomicClaims = options.atomicClaims ?? true;
  /** How long the runtime's own schedule may take to run the check (Deno.cron: the next minute). */
  const scheduleMs = options.scheduleMs ?? 10_000;
  describe(`receiver conformance on ${runtime}`, () => {
    const slack = new FakeSlack();
    let receiver: RunningReceiver | undefined;
    const url = (path: string) => `${receiver?.url}${path}`;
    const auth = { authorization: `Bearer ${conformanceToken}` };
    const group = (name: string) =>
      notification({ groupLabels: { alertname: `${runtime}-${name}` }, groupKey: `${runtime}-${name}` });
    const postsFor = (name: string) =>
      slack.posts.filter((p) => JSON.stringify(p.body).includes(`${runtime}-${name}`));
    const silentEnv = `${runtime}-silent`;
    const watchdog = () =>
      post(
        url("/alertmanager"),
        notification({
          groupKey: `${runtime}-watchdog`,
          alerts: [
            alert({
              fingerprint: `watchdog-${runtime}`,
              labels: { alertname: "Watchdog", environment: silentEnv, severity: "none" },
              annotations: { summary: `heartbeat-from-${runtime}` },
            }),
          ],
        }),
        conformanceToken,
      );
    const announcements = (state: "FIRING" | "RESOLVED") =>
      slack.posts.filter((p) => {
        const text = JSON.stringify(p.body);
        return text.includes(`environment=${silentEnv}`) && text.includes(`[${state}`);
      });

    beforeAll(async () => {
      slack.start();
      receiver = await start({
        FLYBY_RECEIVER_TOKEN: conformanceToken,
        FLYBY_RECEIVER_CONFIG: JSON.stringify({
          sinks: [
            { type: "slack", name: "slack", url: slack.url, match: { severity: ["critical"] } },
            { type: "slack", name: "deadman", url: slack.url, match: { severity: ["deadman"] } },
          ],
          deadline: "5s",
          attemptTimeout: "2s",
          watchdog: { silence: "1s", every: "250ms", severity: "deadman" },
        }),
      });
      // The dead man's switch's clock starts now, so a slow schedule overlaps the other tests.
      expect((await fetch(watchdog())).status).toBe(200);
    }, 60_000);
    afterAll(async () => {
      await receiver?.stop();
      await slack.stop();
    });

    test("GET /healthz is 200 without a token", async () => {
      const res = await fetch(url("/healthz"));
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("ok\n");
    });

    test("bad requests get 401, 415, 413, 400 with the field path, 404 and 405", async () => {
      expect((await fetch(post(url("/alertmanager"), group("401"), undefined))).status).toBe(401);
      expect(
        (
          await fetch(
            post(url("/alertmanager"), group("415"), conformanceToken, { "content-type": "text/plain" }),
          )
        ).status,
      ).toBe(415);
      expect(await oversizedStatus(url("/alertmanager"))).toBe(413);
      const bad = await fetch(
        post(
          url("/alertmanager"),
          { ...group("400"), alerts: [{ ...alert(), status: "burning" }] },
          conformanceToken,
        ),
      );
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { field: string }).field).toBe("alerts[0].status");
      expect((await fetch(url("/nowhere"))).status).toBe(404);
      expect((await fetch(url("/alertmanager"), { headers: auth })).status).toBe(405);
    });

    test("a notification delivered twice is posted once", async () => {
      const first = await fetch(post(url("/alertmanager"), group("once"), conformanceToken));
      expect(first.status).toBe(200);
      const second = await fetch(post(url("/alertmanager"), group("once"), conformanceToken));
      expect(second.status).toBe(200);
      expect(((await second.json()) as { duplicate: boolean }).duplicate).toBe(true);
      expect(postsFor("once")).toHaveLength(1);
      const output = receiver?.output;
      if (output) {
        // The log says the same: one delivery, then one duplicate. It may trail the answer.
        const deadline = Date.now() + 2000;
        while (loggedDeliveries(output(), `${runtime}-once`).length < 2 && Date.now() < deadline)
          await Bun.sleep(20);
        expect(loggedDeliveries(output(), `${runtime}-once`)).toEqual([
          [{ sink: "slack", delivered: 1, duplicate: 0, failed: 0 }],
          [{ sink: "slack", delivered: 0, duplicate: 1, failed: 0 }],
        ]);
      }
    });

    if (atomicClaims) {
      test("two copies arriving together are posted once", async () => {
        slack.delayPosts(300);
        try {
          const answers = await Promise.all([
            fetch(post(url("/alertmanager"), group("pair"), conformanceToken)),
            fetch(post(url("/alertmanager"), group("pair"), conformanceToken)),
          ]);
          expect(answers.map((a) => a.status).sort()).toEqual([200, 200]);
        } finally {
          slack.delayPosts(0);
        }
        expect(postsFor("pair")).toHaveLength(1);
      });
    }

    test("a Slack 500 is retried and the message is posted once", async () => {
      slack.failNext(1, 500);
      const res = await fetch(post(url("/alertmanager"), group("retry"), conformanceToken));
      expect(res.status).toBe(200);
      expect(postsFor("retry")).toHaveLength(1);
    });

    test("GET /metrics and GET / answer with the token", async () => {
      const metrics = await fetch(url("/metrics"), { headers: auth });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      const delivered = atomicClaims ? 3 : 2;
      expect(text).toContain(`flyby_receiver_deliveries_total{sink="slack",result="delivered"} ${delivered}`);
      expect(text).toContain('flyby_receiver_sink_attempt_failures_total{sink="slack"} 1');
      const page = await fetch(url("/"), { headers: auth });
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain(`${runtime}-once`);
    });

    test(
      "an environment whose Watchdog stops is announced once on the runtime's own schedule, and once when it returns",
      async () => {
        // GIVEN one Watchdog at the start and a 1 s window, WHEN the schedule runs the check
        const deadline = Date.now() + scheduleMs;
        while (announcements("FIRING").length === 0 && Date.now() < deadline) {
          await receiver?.check?.();
          await Bun.sleep(200);
        }
        // THEN the sinks hear once, however many checks run
        expect(announcements("FIRING")).toHaveLength(1);
        if (receiver?.check) {
          await receiver.check();
          await receiver.check();
        } else {
          await Bun.sleep(1000);
        }
        expect(announcements("FIRING")).toHaveLength(1);
        // WHEN the Watchdog returns THEN its return is announced at once, once
        const back = await fetch(watchdog());
        expect(back.status).toBe(200);
        expect(((await back.json()) as { watchdog: string[] }).watchdog).toEqual([silentEnv]);
        expect(announcements("RESOLVED")).toHaveLength(1);
        // The Watchdog itself never reaches a sink.
        expect(
          slack.posts.filter((p) => JSON.stringify(p.body).includes(`heartbeat-from-${runtime}`)),
        ).toEqual([]);
        const metrics = await (await fetch(url("/metrics"), { headers: auth })).text();
        expect(metrics).toContain(`flyby_receiver_watchdog_heartbeats_total{environment="${silentEnv}"} 2`);
      },
      scheduleMs + 30_000,
    );
  });
}
