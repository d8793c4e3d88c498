import type { Attempt, Outgoing, Sink } from "../../receiver/sinks/sink.ts";

/** A clock whose sleeps advance time at once, so deadlines and backoffs cost no real time. */
export class FakeClock {
  constructor(public t = Date.parse("2026-11-24T02:04:00Z")) {}
  readonly now = (): number => this.t;
  readonly sleep = async (ms: number): Promise<void> => {
    this.t += ms;
  };
}

/**
 * A sink that records what it sends and fails as scripted. With `parts` > 1 each
 * notification becomes that many deliveries, like a Slack message split in several.
 */
export class ScriptedSink implements Sink {
  readonly sent: { key: string; part: number; alerts: number }[] = [];
  private script: Attempt[] = [];

  constructor(
    readonly name: string,
    private readonly parts = 1,
  ) {}

  /** The next attempts answer these outcomes, in order; then every attempt succeeds. */
  failing(...attempts: Attempt[]): this {
    this.script.push(...attempts);
    return this;
  }

  deliveries(out: Outgoing) {
    return Array.from({ length: this.parts }, (_, part) => ({
      id: `part-${part}`,
      send: async (): Promise<Attempt> => {
        const next = this.script.shift();
        if (next && !next.ok) return next;
        this.sent.push({ key: out.key, part, alerts: out.notification.alerts.length });
        return { ok: true };
      },
    }));
  }
}

export const serverError: Attempt = { ok: false, retryable: true, reason: "answered 500" };
export const rateLimited: Attempt = {
  ok: false,
  retryable: true,
  reason: "answered 429",
  retryAfterMs: 1000,
};
export const rejected: Attempt = { ok: false, retryable: false, reason: "answered 400 invalid_blocks" };
