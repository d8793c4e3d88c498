import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Alertmanager, eventually } from "../testing/receiver/alertmanager.ts";
import { FakeSlack } from "../testing/receiver/fake-slack.ts";
import { ReceiverGitHub } from "../testing/receiver/github.ts";
import { receiverFromEnv } from "../wiring/web-world.ts";
import type { serveWithBun } from "./bun/serve.ts";
import type { Receiver } from "./handler.ts";
import { MemoryStore } from "./store.ts";

const token = "tok-alertmanager-integration-0123";
const slack = new FakeSlack();
const github = new ReceiverGitHub();
let receiver: Receiver;
let server: ReturnType<typeof serveWithBun>;
let am1: Alertmanager;
let am2: Alertmanager;
/** Every answer the receiver gave, per alertname of the group. */
const answers: { group: string; status: number }[] = [];

beforeAll(async () => {
  slack.start();
  github.start();
  receiver = receiverFromEnv(
    {
      FLYBY_RECEIVER_TOKEN: token,
      FLYBY_RECEIVER_CONFIG: JSON.stringify({
        sinks: [
          { type: "slack", name: "slack", url: slack.url },
          { type: "github", name: "github", repo: github.repo, token: github.token, apiUrl: github.url },
        ],
        // Short, so an injected failure turns into a 5xx quickly and Alertmanager retries.
        deadline: "300ms",
        attemptTimeout: "200ms",
      }),
    },
    { store: () => new MemoryStore() },
  );
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (request) => {
      const body =
        request.method === "POST"
          ? ((await request.clone().json()) as { groupLabels: { alertname: string } })
          : undefined;
      const res = await receiver.handle(request);
      if (body) answers.push({ group: body.groupLabels.alertname, status: res.status });
      return res;
    },
  });
  const options = { webhookUrl: `http://127.0.0.1:${server.port}/alertmanager`, token };
  [am1, am2] = await Promise.all([new Alertmanager(options).start(), new Alertmanager(options).start()]);
}, 30_000);

afterAll(async () => {
  await Promise.all([am1?.stop(), am2?.stop()]);
  await server?.stop(true);
  await slack.stop();
  await github.stop();
});

const slackPostsFor = (name: string) => slack.posts.filter((p) => JSON.stringify(p.body).includes(name));
const startsAt = new Date(Date.now() - 60_000).toISOString();

describe("with a real Alertmanager", () => {
  test("sink failures make Alertmanager retry, and each sink still gets the notification exactly once", async () => {
    slack.failNext(4, 500);
    github.failNext(1, 502);
    await am1.post([
      { labels: { alertname: "RetryMe", environment: "production", severity: "critical" }, startsAt },
    ]);
    await eventually("the receiver to answer 200 for RetryMe", () =>
      answers.some((a) => a.group === "RetryMe" && a.status === 200),
    );
    const statuses = answers.filter((a) => a.group === "RetryMe").map((a) => a.status);
    expect(statuses.some((s) => s >= 500)).toBe(true);
    expect(statuses.every((s) => s === 200 || s >= 500)).toBe(true);
    expect(slackPostsFor("RetryMe")).toHaveLength(1);
    expect(github.issues.issues.filter((i) => i.title.includes("RetryMe"))).toHaveLength(1);
  }, 30_000);

  test("two Alertmanagers notifying the same group produce one Slack message", async () => {
    const alert = {
      labels: { alertname: "PairedAM", environment: "production", severity: "warning" },
      startsAt,
    };
    await Promise.all([am1.post([alert]), am2.post([alert])]);
    await eventually(
      "both Alertmanagers to notify",
      () => answers.filter((a) => a.group === "PairedAM").length >= 2,
    );
    await eventually("every PairedAM answer to be 200", () =>
      answers.filter((a) => a.group === "PairedAM").every((a) => a.status === 200),
    );
    expect(slackPostsFor("PairedAM")).toHaveLength(1);
  }, 30_000);

  test("a resolved alert closes its GitHub issue", async () => {
    const labels = { alertname: "WillResolve", environment: "staging", severity: "critical" };
    await am1.post([{ labels, startsAt }]);
    const issue = () => github.issue((i) => i.title.includes("WillResolve"));
    await eventually("the issue to open", () => issue()?.state === "open");
    await am1.post([{ labels, startsAt, endsAt: new Date().toISOString() }]);
    await eventually("the issue to close", () => issue()?.state === "closed");
    expect(github.comments(issue()).at(-1)).toStartWith("Resolved.");
  }, 30_000);
});
