import { Duration } from "../core/duration.ts";
import { runChecks } from "./checks/index.ts";
import type { SmokeExpectations } from "./expectations.ts";
import { type Observation, observe, type Sources } from "./observe.ts";
import { type SmokeVerdict, smokeVerdictOf } from "./verdict.ts";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface SmokeRun {
  readonly verdict: SmokeVerdict;
  readonly attempts: number;
  readonly elapsedMs: number;
  readonly timedOut: boolean;
}

export interface PollOptions {
  readonly sources: Sources;
  readonly expectations: SmokeExpectations;
  readonly timeout: Duration;
  readonly clock: Clock;
  /** A progress line while waiting (the CLI writes them to stderr). */
  readonly progress?: (line: string) => void;
}

/** Time after a scrape is due before its samples are queryable. */
const scrapeSettleMs = 50;

function intervalOf(text: string | undefined, fallback: Duration): number {
  if (!text) return fallback.milliseconds;
  try {
    return Duration.parse(text).milliseconds;
  } catch {
    return fallback.milliseconds;
  }
}

/**
 * When the next observation can differ: just after the earliest next scrape of any
 * target. Before Prometheus knows its targets, back off from 100 ms to the interval.
 */
export function nextObservationIn(
  o: Observation,
  e: SmokeExpectations,
  now: number,
  attempt: number,
): number {
  const interval = e.scrapeInterval.milliseconds;
  const backoff = Math.min(interval, 100 * 2 ** attempt);
  if (!o.targets.ok || o.targets.value.length === 0) return backoff;
  let earliest = Number.POSITIVE_INFINITY;
  for (const t of o.targets.value) {
    const last = Date.parse(t.lastScrape);
    if (!(last > 0)) return Math.min(backoff, 250);
    const every = intervalOf(t.scrapeInterval, e.scrapeInterval);
    let due = last + every;
    const behind = now - (due + scrapeSettleMs);
    if (behind >= 0) due += (Math.floor(behind / every) + 1) * every;
    earliest = Math.min(earliest, due);
  }
  return Math.max(scrapeSettleMs, Math.min(interval, earliest + scrapeSettleMs - now));
}

/** Observes and checks until every check passes or the timeout runs out. */
export async function pollUntilPassed(options: PollOptions): Promise<SmokeRun> {
  const { clock, expectations: e } = options;
  const start = clock.now();
  const deadline = start + options.timeout.milliseconds;
  for (let attempt = 1; ; attempt++) {
    const o = await observe(options.sources, e, clock.now());
    const verdict = smokeVerdictOf(e.environment, o, runChecks(o, e));
    const now = clock.now();
    if (verdict.passed || now >= deadline)
      return { verdict, attempts: attempt, elapsedMs: now - start, timedOut: !verdict.passed };
    const failing = verdict.checks.filter((c) => c.status !== "pass");
    const wait = Math.min(nextObservationIn(o, e, now, attempt), deadline - now);
    options.progress?.(
      `smoke ${e.environment}: attempt ${attempt}, ${failing.length} check(s) not passing (${failing
        .map((c) => c.id)
        .join(
          ", ",
        )}); ${((deadline - now) / 1000).toFixed(0)}s left, next look in ${(wait / 1000).toFixed(2)}s`,
    );
    await clock.sleep(wait);
  }
}
