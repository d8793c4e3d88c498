import { type RetryPolicy, retrying } from "../core/retry.ts";
import type { ReceiverConfig } from "./config.ts";
import type { Sha256 } from "./idempotency.ts";
import { DeliveryResult, type ReceiverMetrics } from "./metrics.ts";
import { routeTo } from "./routing.ts";
import type { RoutedSink } from "./sinks/index.ts";
import type { Attempt, Delivery, Http, Outgoing, Sink, SinkMemory } from "./sinks/sink.ts";
import type { SinkResult, StatusBoard } from "./status.ts";
import { Claim, type DeliveryStore } from "./store.ts";

/** How long sink memory (GitHub issue numbers) is kept. */
const sinkMemoryTtlMs = 90 * 86_400_000;
const busyPollMs = 50;
/**
 * A sink is retried until the notification's deadline, waiting 100 ms, 200 ms, 400 ms... or
 * the sink's Retry-After in between; Alertmanager retries what is left after that.
 */
const sinkRetryPolicy: RetryPolicy = {
  attempts: Number.POSITIVE_INFINITY,
  baseMs: 100,
  maxMs: Number.POSITIVE_INFINITY,
};

export interface DeliveryDeps {
  readonly config: Pick<ReceiverConfig, "deadline" | "attemptTimeout" | "dedupTtl">;
  readonly store: DeliveryStore;
  readonly sinks: readonly RoutedSink[];
  readonly metrics: ReceiverMetrics;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** What the flows that deliver (notifications, the dead man's switch's announcements) share. */
export interface Delivering {
  readonly engine: DeliveryEngine;
  readonly board: StatusBoard;
  readonly metrics: ReceiverMetrics;
  /** Structured events; never given tokens or secret-looking annotations. */
  readonly log: (event: Record<string, unknown>) => void;
  readonly now: () => number;
  readonly sha256?: Sha256 | undefined;
}

/** What one sink did with a notification; `busy` when it failed only because another request holds it. */
export type SinkOutcome = SinkResult & { readonly busy: boolean };

type DeliveryOutcome =
  | { result: "delivered" | "duplicate" }
  | { result: "failed"; reason: string; busy: boolean };

/**
 * The delivery engine: hands a notification to every sink whose match it passes, sends each
 * delivery exactly once across retries and concurrent copies (a claim in the store), and
 * retries a failing sink within the deadline.
 */
export class DeliveryEngine {
  private readonly leaseMs: number;

  constructor(private readonly deps: DeliveryDeps) {
    this.leaseMs = deps.config.deadline.milliseconds + deps.config.attemptTimeout.milliseconds;
  }

  /** Every routed sink's outcome, in the order of the sinks. */
  deliver(out: Outgoing, deadline: number): Promise<SinkOutcome[]> {
    return Promise.all(
      this.deps.sinks.flatMap(({ sink, match }) => {
        const routed = routeTo(out.notification, match);
        return routed ? [this.runSink(sink, { ...out, notification: routed }, deadline)] : [];
      }),
    );
  }

  /** Sends a sink's deliveries in order; after a failure the rest wait for the retry. */
  private async runSink(sink: Sink, out: Outgoing, deadline: number): Promise<SinkOutcome> {
    const { metrics } = this.deps;
    let delivered = 0;
    let duplicate = 0;
    const deliveries = sink.deliveries(out);
    for (const [i, d] of deliveries.entries()) {
      const outcome = await this.deliverOnce(sink, `${out.key}/${sink.name}/${d.id}`, d, deadline);
      if (outcome.result === "failed") {
        const failed = deliveries.length - i;
        metrics.deliveries.inc({ sink: sink.name, result: DeliveryResult.Failed }, failed);
        return { sink: sink.name, delivered, duplicate, failed, reason: outcome.reason, busy: outcome.busy };
      }
      metrics.deliveries.inc({ sink: sink.name, result: outcome.result });
      if (outcome.result === "delivered") delivered++;
      else duplicate++;
    }
    return { sink: sink.name, delivered, duplicate, failed: 0, busy: false };
  }

  /** Waits while another request holds the delivery, then sends it unless it was sent already. */
  private async deliverOnce(sink: Sink, id: string, d: Delivery, deadline: number): Promise<DeliveryOutcome> {
    const { store, now, sleep, config } = this.deps;
    for (;;) {
      const claim = await store.claim(id, now(), this.leaseMs);
      if (claim === Claim.Delivered) return { result: "duplicate" };
      if (claim === Claim.Claimed) break;
      if (now() + busyPollMs >= deadline) {
        return { result: "failed", reason: "another request is delivering it", busy: true };
      }
      await sleep(busyPollMs);
    }
    const attempt = await this.send(sink, d, deadline);
    if (attempt.ok) {
      await store.complete(id, now(), config.dedupTtl.milliseconds);
      return { result: "delivered" };
    }
    await store.release(id);
    return { result: "failed", reason: attempt.reason, busy: false };
  }

  /** Sends one delivery, retrying what the sink calls retryable until the deadline. */
  private send(sink: Sink, d: Delivery, deadline: number): Promise<Attempt> {
    const { now, sleep, metrics } = this.deps;
    return retrying(
      () => d.send(this.httpUntil(deadline), this.memory()),
      (attempt) => (attempt.ok ? undefined : attempt),
      sinkRetryPolicy,
      { sleep },
      { deadline: { at: deadline, now }, onFailure: () => metrics.failures.inc({ sink: sink.name }) },
    );
  }

  /** fetch with each attempt's timeout, never running past the deadline. */
  private httpUntil(deadline: number): Http {
    const { fetch, now, config } = this.deps;
    return (url, init) => {
      const budget = Math.max(1, Math.min(config.attemptTimeout.milliseconds, deadline - now()));
      return fetch(url, { ...init, signal: AbortSignal.timeout(budget) });
    };
  }

  private memory(): SinkMemory {
    const { store, now } = this.deps;
    return {
      get: (key) => store.getValue(key, now()),
      set: (key, value) => store.setValue(key, value, now(), sinkMemoryTtlMs),
    };
  }
}
