import { describe, expect, test } from "bun:test";
import { InputError } from "../core/errors.ts";
import { alert, notification } from "../testing/receiver/notifications.ts";
import { bunSha256 } from "./bun/serve.ts";
import { loadConfig } from "./config.ts";
import { idempotencyKey, subtleSha256 } from "./idempotency.ts";

describe("loadConfig", () => {
  test("refuses to start with no token unless auth is explicitly off", () => {
    expect(() => loadConfig({})).toThrow(/no token for route\(s\) alertmanager, metrics, status/);
    const open = loadConfig({ insecureNoAuth: true });
    expect(open.tokens.alertmanager).toEqual([]);
  });

  test("FLYBY_RECEIVER_TOKEN covers the routes without their own token", () => {
    const c = loadConfig({ defaultToken: "t", json: '{"tokens":{"metrics":["m"]}}' });
    expect(c.tokens).toEqual({ alertmanager: ["t"], metrics: ["m"], status: ["t"] });
  });

  test("a bad field is an InputError naming its path", () => {
    const bad = () =>
      loadConfig({ defaultToken: "t", json: '{"sinks":[{"type":"slack","name":"s","url":"not a url"}]}' });
    expect(bad).toThrow(InputError);
    expect(bad).toThrow(/at sinks\.0\.url/);
    expect(() => loadConfig({ defaultToken: "t", json: '{"deadline":"soon"}' })).toThrow(/at deadline/);
    const rollback = '{"sinks":[{"type":"rollback","name":"rb","repo":"o/r","token":"x"}]}';
    expect(() => loadConfig({ defaultToken: "t", json: rollback })).toThrow(
      /needs "deployments".*at sinks\.0/,
    );
  });
});

describe("idempotencyKey", () => {
  test("ignores alert order and changes with status or startsAt", async () => {
    const a = alert({ fingerprint: "a" });
    const b = alert({ fingerprint: "b" });
    const key = await idempotencyKey(notification({ alerts: [a, b] }));
    expect(await idempotencyKey(notification({ alerts: [b, a] }))).toBe(key);
    expect(await idempotencyKey(notification({ alerts: [a, { ...b, status: "resolved" }] }))).not.toBe(key);
    expect(
      await idempotencyKey(notification({ alerts: [a, { ...b, startsAt: "2026-11-24T03:00:00Z" }] })),
    ).not.toBe(key);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
  });
});

test("Bun's synchronous SHA-256 gives the same keys as WebCrypto", async () => {
  const n = notification();
  expect(await idempotencyKey(n, bunSha256)).toBe(await idempotencyKey(n, subtleSha256));
});
