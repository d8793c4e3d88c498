import { expect, test } from "bun:test";
import { manyAlerts, notification } from "../../testing/receiver/notifications.ts";
import { attemptFromResponse } from "./sink.ts";
import { SlackLimits, slackMessages } from "./slack.ts";

test("5xx and 429 are retryable, other 4xx are not; Retry-After only when sent", async () => {
  expect(await attemptFromResponse(new Response("rollup_error", { status: 500 }), "slack")).toEqual({
    ok: false,
    retryable: true,
    reason: "slack answered 500 rollup_error",
  });
  const limited = await attemptFromResponse(
    new Response("rate_limited", { status: 429, headers: { "retry-after": "2" } }),
    "slack",
  );
  expect(limited).toMatchObject({ retryable: true, retryAfterMs: 2000 });
  expect(await attemptFromResponse(new Response("invalid_blocks", { status: 400 }), "slack")).toMatchObject({
    retryable: false,
  });
});

test("Slack messages keep to 50 blocks and carry every alert once, the same on every retry", () => {
  const out = {
    key: "k",
    notification: notification({ alerts: manyAlerts(97).reverse() }),
    deployContext: new Map(),
    deployments: new Map(),
  };
  const messages = slackMessages(out);
  expect(messages).toHaveLength(3);
  for (const m of messages) expect(m.blocks.length).toBeLessThanOrEqual(SlackLimits.blocks);
  expect(messages.flatMap((m) => m.blocks.filter((b) => b.type === "section"))).toHaveLength(97);
  expect(slackMessages(out)).toEqual(messages);
});
