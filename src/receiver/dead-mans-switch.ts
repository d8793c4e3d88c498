import type { ReceiverConfig } from "./config.ts";
import type { Delivering } from "./delivery.ts";
import { idempotencyKey } from "./idempotency.ts";
import type { SinkResult } from "./status.ts";
import type { DeliveryStore } from "./store.ts";
import { isWatchdog, type WatchdogAction, watchdogActions, watchdogNotification } from "./watchdog.ts";
import { WatchdogState } from "./watchdog-state.ts";
import { type Alert, environmentOf, type Notification } from "./webhook.ts";

export interface DeadMansSwitchDeps extends Delivering {
  readonly config: Pick<ReceiverConfig, "watchdog" | "deadline">;
  readonly store: DeliveryStore;
}

/**
 * The dead man's switch at work: records each environment's Watchdog, and announces through
 * the sinks every environment that fell silent or came back, once.
 */
export class DeadMansSwitch {
  readonly state: WatchdogState;
  private readonly settings;

  constructor(private readonly deps: DeadMansSwitchDeps) {
    this.state = new WatchdogState(deps.store);
    const { watchdog } = deps.config;
    this.settings = {
      alertname: watchdog.alertname,
      silenceMs: watchdog.silence.milliseconds,
      severity: watchdog.severity,
    };
  }

  get silenceMs(): number {
    return this.settings.silenceMs;
  }

  /** True for the Watchdog alert itself, which is never posted anywhere. */
  isWatchdog(a: Alert): boolean {
    return isWatchdog(a, this.settings.alertname);
  }

  /** Records the Watchdogs of a notification; returns the environments they came from. */
  async heartbeats(n: Notification): Promise<string[]> {
    const { now, metrics } = this.deps;
    const envs = [
      ...new Set(
        n.alerts
          .filter((a) => a.status === "firing" && this.isWatchdog(a))
          .map((a) => environmentOf(a) ?? "-"),
      ),
    ];
    for (const env of envs) {
      await this.state.heartbeat(env, now());
      metrics.watchdogHeartbeats.inc({ environment: env });
    }
    return envs;
  }

  /** The check, for every watched environment or only the given ones; returns what was announced. */
  async check(only?: readonly string[]): Promise<WatchdogAction[]> {
    const t = this.deps.now();
    const since = await this.state.watchingSince(t);
    const watches = (await this.state.read(this.deps.config.watchdog.environments, t)).filter(
      (w) => !only || only.includes(w.environment),
    );
    const announced: WatchdogAction[] = [];
    for (const a of watchdogActions(watches, t, this.settings.silenceMs, since)) {
      if (await this.announce(a)) announced.push(a);
    }
    return announced;
  }

  /** The scheduled check; a failure is logged, then thrown to the scheduler. */
  async tick(): Promise<WatchdogAction[]> {
    try {
      return await this.check();
    } catch (e) {
      this.deps.log({ event: "error", where: "watchdog", error: (e as Error).message });
      throw e;
    }
  }

  /** Tells the sinks that an environment fell silent or came back; true once every sink has it. */
  private async announce(a: WatchdogAction): Promise<boolean> {
    const { engine, board, metrics, log, now, config } = this.deps;
    const n = watchdogNotification(a, this.settings);
    const key = await idempotencyKey(n, this.deps.sha256);
    // No deploy context: a silent environment is not a bad deploy, and must never roll one back.
    const out = { key, notification: n, deployContext: new Map(), deployments: new Map() };
    const results = await engine.deliver(out, now() + config.deadline.milliseconds);
    const sinkResults: SinkResult[] = results.map(({ busy: _, ...r }) => r);
    board.record(n, new Map(), sinkResults, now());
    const ok = results.every((r) => r.failed === 0);
    // Remembered only once every sink has it: a failed sink is retried at the next check, and
    // the sinks that have it already see a duplicate.
    if (ok) await this.state.announced(a, now());
    metrics.watchdogAnnouncements.inc({ transition: a.kind, result: ok ? "delivered" : "failed" });
    log({
      event: "watchdog",
      transition: a.kind,
      environment: a.environment,
      since: new Date(a.since).toISOString(),
      sinks: sinkResults,
    });
    return ok;
  }
}
