import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { FakeSlack } from "../../testing/receiver/fake-slack.ts";
import { ReceiverGitHub } from "../../testing/receiver/github.ts";
import { alert, manyAlerts, notification, post } from "../../testing/receiver/notifications.ts";
import { loadConfig } from "../config.ts";
import { GithubDeployments } from "../deployments.ts";
import { createReceiver } from "../handler.ts";
import { MemoryStore } from "../store.ts";
import type { Notification } from "../webhook.ts";
import { GithubBodyLimit } from "./github.ts";
import { SlackLimits } from "./slack.ts";

const token = "tok-sinks-0123456789";
const slack = new FakeSlack();
const github = new ReceiverGitHub();
const hooks: { headers: Headers; body: Record<string, unknown> }[] = [];
let hookServer: ReturnType<typeof Bun.serve>;

beforeAll(() => {
  slack.start();
  github.start();
  hookServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (r) => {
      hooks.push({ headers: r.headers, body: (await r.json()) as Record<string, unknown> });
      return new Response(null, { status: 204 });
    },
  });
});
afterAll(async () => {
  await slack.stop();
  await github.stop();
  await hookServer.stop(true);
});

function receiver(sinks: object[], extra: object = {}) {
  const config = loadConfig({
    defaultToken: token,
    json: JSON.stringify({ sinks, deadline: "3s", attemptTimeout: "300ms", ...extra }),
  });
  const r = createReceiver({
    config,
    store: new MemoryStore(),
    fetch: (url, init) => fetch(url, init),
    now: Date.now,
    sleep: Bun.sleep,
    ...(extra && "deployments" in extra
      ? {
          deployments: new GithubDeployments({
            repo: github.repo,
            token: github.token,
            apiUrl: github.url,
            fetch: (u, i) => fetch(u, i),
            now: Date.now,
          }),
        }
      : {}),
  });
  return (n: Notification) => r.handle(post("http://receiver.local/alertmanager", n, token));
}

describe("Slack", () => {
  test("a large group is split into messages within Block Kit limits, reporting truncated alerts", async () => {
    const before = slack.posts.length;
    const send = receiver([{ type: "slack", name: "slack", url: slack.url }]);
    const res = await send(notification({ alerts: manyAlerts(120), truncatedAlerts: 7 }));
    expect(res.status).toBe(200);
    const posts = slack.posts.slice(before);
    expect(posts).toHaveLength(3);
    for (const p of posts) expect(p.body.blocks?.length).toBeLessThanOrEqual(SlackLimits.blocks);
    const sections = posts.flatMap((p) => p.body.blocks?.filter((b) => b.type === "section") ?? []);
    expect(sections).toHaveLength(120);
    expect(JSON.stringify(posts[0]?.body)).toContain("7 more truncated by Alertmanager");
  });

  test("429, 5xx and a timeout are retried; the message is posted once", async () => {
    const before = slack.posts.length;
    const send = receiver([{ type: "slack", name: "slack", url: slack.url }]);
    slack.failNext(1, 500, 600);
    slack.failNext(1, 500);
    const res = await send(notification({ alerts: [alert({ fingerprint: "retry1" })] }));
    expect(res.status).toBe(200);
    expect(slack.posts.length - before).toBe(1);
  });

  test("a Slack that stays down gives 502, never a 4xx", async () => {
    const send = receiver([{ type: "slack", name: "slack", url: slack.url }], { deadline: "500ms" });
    slack.failNext(50, 429);
    const res = await send(notification({ alerts: [alert({ fingerprint: "down1" })] }));
    slack.clearFailures();
    expect(res.status).toBe(502);
    const body = (await res.json()) as { sinks: { reason: string }[] };
    expect(body.sinks[0]?.reason).toContain("slack answered 429 rate_limited");
    expect(JSON.stringify(body)).not.toContain(slack.hookPath);
  });
});

describe("GitHub issues", () => {
  test("open on firing, comment on repeat, close on resolve, reopen when firing again", async () => {
    const send = receiver([
      { type: "github", name: "github", repo: github.repo, token: github.token, apiUrl: github.url },
    ]);
    const fp = "gh0001";
    const firing = alert({ fingerprint: fp });
    expect((await send(notification({ alerts: [firing] }))).status).toBe(200);
    const issue = github.issue((i) => i.body.includes(`alert:${fp}`));
    expect(issue?.state).toBe("open");
    expect(issue?.labels).toEqual(["alert", "severity:critical"]);
    expect(issue?.title).toBe("[production] HighErrorRate: 5xx ratio above 5% for 10 minutes");

    const other = alert({ fingerprint: "gh0002" });
    expect((await send(notification({ alerts: [firing, other] }))).status).toBe(200);
    expect(github.comments(issue).at(-1)).toStartWith("Still firing.");

    const resolved = { ...firing, status: "resolved" as const, endsAt: "2026-11-24T02:30:00Z" };
    expect((await send(notification({ alerts: [resolved] }))).status).toBe(200);
    expect(issue?.state).toBe("closed");
    expect(issue?.state_reason).toBe("completed");

    const again = alert({ fingerprint: fp, startsAt: "2026-11-24T03:00:00Z" });
    expect((await send(notification({ alerts: [again] }))).status).toBe(200);
    expect(issue?.state).toBe("open");
    expect(github.comments(issue).at(-1)).toStartWith("Firing again; reopened.");
  });

  test("a group-keyed issue follows the group; bodies stay under GitHub's limit", async () => {
    const send = receiver([
      {
        type: "github",
        name: "github",
        repo: github.repo,
        token: github.token,
        apiUrl: github.url,
        issueKey: "groupKey",
      },
    ]);
    const huge = alert({ fingerprint: "big", annotations: { summary: "x".repeat(GithubBodyLimit + 10) } });
    const n = notification({ groupKey: "group-big", alerts: [huge] });
    expect((await send(n)).status).toBe(200);
    const issue = github.issue((i) => i.body.includes("group:group-big"));
    expect(issue?.body.length).toBeLessThanOrEqual(GithubBodyLimit);
  });

  test("bad credentials are a sink failure (502) with GitHub's message", async () => {
    const send = receiver([
      { type: "github", name: "github", repo: github.repo, token: "wrong", apiUrl: github.url },
    ]);
    const res = await send(notification({ alerts: [alert({ fingerprint: "auth1" })] }));
    expect(res.status).toBe(502);
    expect(JSON.stringify(await res.json())).toContain("401");
  });
});

describe("generic webhook and deploy context", () => {
  test("the webhook gets the notification with its idempotency key and the deploy context", async () => {
    github.addDeployment({
      environment: "production",
      ref: "v1.4.2",
      sha: "0123456789abcdef",
      created_at: "2026-11-24T01:50:00Z",
      statuses: [{ state: "success", created_at: "2026-11-24T01:56:00Z" }],
    });
    const send = receiver(
      [
        { type: "webhook", name: "hook", url: `http://127.0.0.1:${hookServer.port}/in`, token: "hook-token" },
        { type: "slack", name: "slack", url: slack.url },
      ],
      { deployments: { repo: github.repo, token: github.token, apiUrl: github.url } },
    );
    const before = slack.posts.length;
    const res = await send(
      notification({ alerts: [alert({ fingerprint: "dep1", startsAt: "2026-11-24T02:00:00Z" })] }),
    );
    expect(res.status).toBe(200);
    const hook = hooks.at(-1);
    expect(hook?.headers.get("authorization")).toBe("Bearer hook-token");
    expect(hook?.body.idempotencyKey).toMatch(/^[0-9a-f]{64}$/);
    expect(hook?.body.deployContext).toEqual({ dep1: "fired 4 min after v1.4.2 reached production" });
    expect(JSON.stringify(slack.posts[before]?.body)).toContain(
      "fired 4 min after v1.4.2 reached production",
    );
  });
});

describe("rollback trigger", () => {
  test("a critical alert soon after a production deploy dispatches the rollback workflow once", async () => {
    github.addDeployment({
      environment: "production",
      ref: "v1.5.0",
      sha: "feedfacefeedface",
      created_at: "2026-11-24T02:09:00Z",
      statuses: [{ state: "success", created_at: "2026-11-24T02:10:00Z" }],
    });
    const send = receiver(
      [
        {
          type: "rollback",
          name: "rollback",
          repo: github.repo,
          token: github.token,
          apiUrl: github.url,
          within: "15m",
        },
      ],
      { deployments: { repo: github.repo, token: github.token, apiUrl: github.url } },
    );
    const warning = alert({
      fingerprint: "rb0",
      startsAt: "2026-11-24T02:12:00Z",
      labels: { alertname: "Slow", environment: "production", severity: "warning" },
    });
    const late = alert({ fingerprint: "rb1", startsAt: "2026-11-24T04:00:00Z" });
    expect((await send(notification({ alerts: [warning, late] }))).status).toBe(200);
    expect(github.dispatches.dispatches).toHaveLength(0);

    const soon = alert({ fingerprint: "rb2", startsAt: "2026-11-24T02:14:00Z" });
    expect((await send(notification({ alerts: [soon] }))).status).toBe(200);
    expect(
      (
        await send(
          notification({ alerts: [soon, alert({ fingerprint: "rb3", startsAt: "2026-11-24T02:15:00Z" })] }),
        )
      ).status,
    ).toBe(200);
    expect(github.dispatches.dispatches).toMatchObject([
      {
        event_type: "flyby-rollback",
        client_payload: expect.objectContaining({
          environment: "production",
          ref: "v1.5.0",
          sha: "feedfacefeedface",
          reason: "HighErrorRate fired 4 min after v1.5.0 reached production",
        }),
      },
    ] as never);
  });

  test("a rollback sink that names an environment leaves the others' alerts alone", async () => {
    github.addDeployment({
      environment: "production",
      ref: "v1.6.0",
      sha: "beadbeadbeadbead",
      created_at: "2026-11-24T05:09:00Z",
      statuses: [{ state: "success", created_at: "2026-11-24T05:10:00Z" }],
    });
    const sink = {
      type: "rollback",
      name: "rollback",
      repo: github.repo,
      token: github.token,
      apiUrl: github.url,
    };
    const deployments = { deployments: { repo: github.repo, token: github.token, apiUrl: github.url } };
    const soon = alert({ fingerprint: "rb4", startsAt: "2026-11-24T05:12:00Z" });
    const before = github.dispatches.dispatches.length;
    const onlyQa = receiver([{ ...sink, environment: "qa" }], deployments);
    expect((await onlyQa(notification({ alerts: [soon] }))).status).toBe(200);
    expect(github.dispatches.dispatches).toHaveLength(before);
    const any = receiver([sink], deployments);
    expect((await any(notification({ alerts: [soon] }))).status).toBe(200);
    expect(github.dispatches.dispatches.slice(before)).toMatchObject([
      {
        event_type: "flyby-rollback",
        client_payload: expect.objectContaining({ environment: "production", ref: "v1.6.0" }),
      },
    ] as never);
  });
});
