import { ApiFailure, NetworkFailure } from "./port.ts";

/** The clock and dice retries use; tests pass their own. */
export interface RetryEnv {
  sleep(ms: number): Promise<void>;
  random(): number;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 10_000 };

/** 429, 5xx and broken connections are worth another try; other answers are final. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof NetworkFailure) return e.transient;
  if (e instanceof ApiFailure) return e.status === 429 || e.status >= 500;
  return false;
}

/**
 * The wait before attempt `attempt + 1`: Retry-After when the server sent one, otherwise
 * exponential backoff with full jitter, capped.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, e: unknown, random: () => number): number {
  if (e instanceof ApiFailure && e.details.retryAfterSeconds !== undefined) {
    return Math.min(e.details.retryAfterSeconds * 1000, policy.maxMs);
  }
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export interface RetryCount {
  retries: number;
}

/** Runs `call`, retrying transient failures within the policy; the last failure is rethrown. */
export async function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  env: RetryEnv,
  count?: RetryCount,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (e) {
      if (!isRetryable(e) || attempt + 1 >= policy.attempts) throw e;
      if (count) count.retries++;
      await env.sleep(backoffMs(policy, attempt, e, env.random));
    }
  }
}
