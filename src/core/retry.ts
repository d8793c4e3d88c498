/**
 * The one retry policy: which failures are worth another try, how long to wait before it, and
 * when to give up. Sleeping, dice and the clock come from the caller, so the loop stays pure.
 */

export interface RetryPolicy {
  /** Tries in all, the first included; `Infinity` leaves the limit to a deadline. */
  readonly attempts: number;
  /** The wait after the first failure; it doubles after each one. */
  readonly baseMs: number;
  /** No wait is longer, Retry-After included. */
  readonly maxMs: number;
}

export interface RetryEnv {
  sleep(ms: number): Promise<void>;
  /** Dice for full jitter (a wait anywhere below the backoff); without them the wait is the backoff. */
  random?(): number;
}

/** When the last try must have started: no wait is begun that would end past it. */
export interface Deadline {
  readonly at: number;
  now(): number;
}

/** What a failed try says about the next one. */
export interface FailedTry {
  readonly retryable: boolean;
  /** The wait the server asked for (Retry-After), which replaces the backoff. */
  readonly retryAfterMs?: number | undefined;
}

/** The rule for HTTP answers: 429 (slow down) and 5xx (the server's fault) may pass on another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** A Retry-After header in seconds, as milliseconds; undefined when absent or not a number of seconds. */
export function retryAfterMs(header: string | null | undefined): number | undefined {
  if (header === null || header === undefined || header.trim() === "") return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * The wait after failed try number `attempt` (0 for the first): the server's Retry-After when it
 * sent one, else `baseMs * 2^attempt`, both capped at `maxMs`; with dice, a random share of it.
 */
export function backoffMs(
  policy: RetryPolicy,
  attempt: number,
  serverWaitMs: number | undefined,
  random?: () => number,
): number {
  if (serverWaitMs !== undefined) return Math.min(serverWaitMs, policy.maxMs);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** attempt);
  return random ? Math.floor(random() * ceiling) : ceiling;
}

/**
 * Tries until a result is not a failure (`failureOf` gives undefined), the failure is final,
 * the attempts are used up or the next wait would pass the deadline; returns the last result.
 * `onFailure` sees every failed result, retried or not.
 */
export async function retrying<R>(
  attempt: () => Promise<R>,
  failureOf: (result: R) => FailedTry | undefined,
  policy: RetryPolicy,
  env: RetryEnv,
  options: { readonly deadline?: Deadline; readonly onFailure?: (result: R) => void } = {},
): Promise<R> {
  for (let tries = 1; ; tries++) {
    const result = await attempt();
    const failure = failureOf(result);
    if (!failure) return result;
    options.onFailure?.(result);
    if (!failure.retryable || tries >= policy.attempts) return result;
    const wait = backoffMs(policy, tries - 1, failure.retryAfterMs, env.random);
    const { deadline } = options;
    if (deadline && deadline.now() + wait >= deadline.at) return result;
    await env.sleep(wait);
  }
}

type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/**
 * Runs `call`, retrying the errors `failureOf` calls retryable within the policy; the last
 * error is rethrown. `onRetry` is told of each failure that is tried again.
 */
export async function withRetry<T>(
  call: () => Promise<T>,
  failureOf: (error: unknown) => FailedTry,
  policy: RetryPolicy,
  env: RetryEnv,
  onRetry?: (error: unknown) => void,
): Promise<T> {
  let last: Settled<T> | undefined;
  const settled = await retrying<Settled<T>>(
    async () => {
      if (last && !last.ok) onRetry?.(last.error);
      last = await call().then(
        (value) => ({ ok: true, value }),
        (error: unknown) => ({ ok: false, error }),
      );
      return last;
    },
    (s) => (s.ok ? undefined : failureOf(s.error)),
    policy,
    env,
  );
  if (settled.ok) return settled.value;
  throw settled.error;
}
