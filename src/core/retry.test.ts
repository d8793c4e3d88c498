import { describe, expect, test } from "bun:test";
import {
  backoffMs,
  isRetryableStatus,
  type RetryPolicy,
  retryAfterMs,
  retrying,
  withRetry,
} from "./retry.ts";

/** Sleeps that only advance a counter, and record how long each was. */
function fakeTime(start = 0) {
  const slept: number[] = [];
  let t = start;
  return {
    slept,
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
  };
}

type Result = { ok: true } | { ok: false; retryable: boolean; retryAfterMs?: number };
const failureOf = (r: Result) => (r.ok ? undefined : r);
const serverError: Result = { ok: false, retryable: true };

function scripted(...results: Result[]) {
  let calls = 0;
  return {
    calls: () => calls,
    next: async (): Promise<Result> => results[calls++] ?? { ok: true },
  };
}

describe("what is retryable", () => {
  test("429 and every 5xx are; other answers are final", () => {
    expect([429, 500, 502, 503, 504].map(isRetryableStatus)).toEqual([true, true, true, true, true]);
    expect([200, 400, 401, 403, 404, 409, 422].map(isRetryableStatus)).toEqual(Array(7).fill(false));
  });

  test("Retry-After is read as seconds; anything else is no Retry-After", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs("0")).toBe(0);
    expect(retryAfterMs("1.5")).toBe(1500);
    for (const h of [null, undefined, "", " ", "-1", "soon", "Wed, 21 Oct 2026 07:28:00 GMT"]) {
      expect([h, retryAfterMs(h)]).toEqual([h, undefined]);
    }
  });
});

describe("how long to wait", () => {
  const policy: RetryPolicy = { attempts: 5, baseMs: 100, maxMs: 1000 };

  test("the backoff doubles from baseMs and stops at maxMs", () => {
    expect([0, 1, 2, 3, 4, 9].map((a) => backoffMs(policy, a, undefined))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  test("with dice the wait is a random share of the backoff (full jitter)", () => {
    expect(backoffMs(policy, 3, undefined, () => 0.5)).toBe(400);
    expect(backoffMs(policy, 9, undefined, () => 0.99)).toBe(990);
    expect(backoffMs(policy, 2, undefined, () => 0)).toBe(0);
  });

  test("the server's Retry-After replaces the backoff, jitter and all, but not the cap", () => {
    expect(backoffMs(policy, 0, 300, () => 0)).toBe(300);
    expect(backoffMs(policy, 0, 5000, () => 0.5)).toBe(1000);
  });
});

describe("retrying", () => {
  test("stops at the first success, waiting the backoff between tries", async () => {
    const time = fakeTime();
    const script = scripted(serverError, serverError);
    const result = await retrying(script.next, failureOf, { attempts: 5, baseMs: 10, maxMs: 100 }, time);
    expect(result).toEqual({ ok: true });
    expect(script.calls()).toBe(3);
    expect(time.slept).toEqual([10, 20]);
  });

  test("a final failure is returned at once, and onFailure sees it", async () => {
    const time = fakeTime();
    const rejected: Result = { ok: false, retryable: false };
    const seen: Result[] = [];
    const result = await retrying(
      scripted(rejected).next,
      failureOf,
      { attempts: 5, baseMs: 10, maxMs: 100 },
      time,
      { onFailure: (r) => seen.push(r) },
    );
    expect(result).toBe(rejected);
    expect(seen).toEqual([rejected]);
    expect(time.slept).toEqual([]);
  });

  test("GIVEN a deadline WHEN the next wait would pass it THEN the last failure is returned", async () => {
    const time = fakeTime(1000);
    const script = scripted(...Array(20).fill(serverError));
    const result = await retrying(
      script.next,
      failureOf,
      { attempts: Number.POSITIVE_INFINITY, baseMs: 100, maxMs: Number.POSITIVE_INFINITY },
      time,
      { deadline: { at: 1000 + 1000, now: time.now } },
    );
    expect(result).toEqual(serverError);
    // After 100, 200 and 400 ms it is 1700; the next 800 would end at 2500, past the deadline.
    expect(time.slept).toEqual([100, 200, 400]);
    expect(script.calls()).toBe(4);
  });

  test("a Retry-After counts against the deadline too, and the backoff keeps doubling behind it", async () => {
    const time = fakeTime();
    const script = scripted(serverError, { ok: false, retryable: true, retryAfterMs: 1000 }, serverError);
    const policy = { attempts: Number.POSITIVE_INFINITY, baseMs: 100, maxMs: Number.POSITIVE_INFINITY };
    const ok = await retrying(script.next, failureOf, policy, time, {
      deadline: { at: 8000, now: time.now },
    });
    expect(ok).toEqual({ ok: true });
    expect(time.slept).toEqual([100, 1000, 400]);
    const late = fakeTime();
    const refused = await retrying(
      scripted({ ok: false, retryable: true, retryAfterMs: 9000 }).next,
      failureOf,
      policy,
      late,
      { deadline: { at: 8000, now: late.now } },
    );
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 9000 });
    expect(late.slept).toEqual([]);
  });
});

describe("withRetry", () => {
  const transient = new Error("reset");
  const final = new Error("invalid");
  const classify = (e: unknown) => ({ retryable: e === transient });

  test("gives up after the policy's attempts and rethrows the last error, counting retries", async () => {
    const time = fakeTime();
    let calls = 0;
    const retried: unknown[] = [];
    const failing = withRetry(
      async () => {
        calls++;
        throw transient;
      },
      classify,
      { attempts: 4, baseMs: 10, maxMs: 50 },
      time,
      (e) => retried.push(e),
    );
    await expect(failing).rejects.toBe(transient);
    expect(calls).toBe(4);
    expect(time.slept).toEqual([10, 20, 40]);
    expect(retried).toEqual([transient, transient, transient]);
  });

  test("returns the value once a try succeeds; a final error is not retried", async () => {
    const time = fakeTime();
    let calls = 0;
    const value = await withRetry(
      async () => {
        if (++calls < 3) throw transient;
        return "done";
      },
      classify,
      { attempts: 4, baseMs: 10, maxMs: 50 },
      time,
    );
    expect([value, calls]).toEqual(["done", 3]);
    const refused = withRetry(
      async () => {
        throw final;
      },
      classify,
      { attempts: 4, baseMs: 10, maxMs: 50 },
      time,
    );
    await expect(refused).rejects.toBe(final);
    expect(time.slept).toEqual([10, 20]);
  });
});
