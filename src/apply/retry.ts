import {
  type FailedTry,
  isRetryableStatus,
  type RetryEnv as PolicyEnv,
  backoffMs as policyBackoffMs,
  type RetryPolicy,
  withRetry as retryWithPolicy,
} from "../core/retry.ts";
import { ApiFailure, NetworkFailure } from "./port.ts";

export type { RetryPolicy };

/** Apply's retries always jitter: many objects failing at once must not come back at once. */
export interface RetryEnv extends PolicyEnv {
  random(): number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 6, baseMs: 200, maxMs: 10_000 };

/** 429, 5xx and broken connections are worth another try; other answers are final. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof NetworkFailure) return e.transient;
  if (e instanceof ApiFailure) return isRetryableStatus(e.status);
  return false;
}

/** An API failure as the retry policy reads it, with the Retry-After the server sent. */
function failureOf(e: unknown): FailedTry {
  const seconds = e instanceof ApiFailure ? e.details.retryAfterSeconds : undefined;
  return { retryable: isRetryable(e), retryAfterMs: seconds === undefined ? undefined : seconds * 1000 };
}

/**
 * The wait before attempt `attempt + 1`: Retry-After when the server sent one, otherwise
 * exponential backoff with full jitter, capped.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, e: unknown, random: () => number): number {
  return policyBackoffMs(policy, attempt, failureOf(e).retryAfterMs, random);
}

export interface RetryCount {
  retries: number;
}

/** Runs `call`, retrying transient failures within the policy; the last failure is rethrown. */
export function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  env: RetryEnv,
  count?: RetryCount,
): Promise<T> {
  return retryWithPolicy(call, failureOf, policy, env, () => {
    if (count) count.retries++;
  });
}
