import type { DeadMansSwitch } from "./dead-mans-switch.ts";
import type { Delivering, SinkOutcome } from "./delivery.ts";
import { type Deployment, type DeploymentSource, deployContext as describeDeploy } from "./deployments.ts";
import { idempotencyKey } from "./idempotency.ts";
import { redactNotification } from "./redact.ts";
import type { SinkResult } from "./status.ts";
import { environmentOf, type Notification } from "./webhook.ts";

export interface NotifyDeps extends Delivering {
  readonly watchdog: DeadMansSwitch;
  readonly deployments?: DeploymentSource | undefined;
}

/** What became of a valid notification. */
export type Notified =
  /** Only Watchdogs: recorded, nothing to deliver. */
  | { readonly kind: "heartbeat"; readonly watchdog: readonly string[] }
  | {
      readonly kind: "delivered";
      readonly key: string;
      /** Every delivery had already been made. */
      readonly duplicate: boolean;
      readonly sinks: readonly SinkOutcome[];
    };

/**
 * A valid Alertmanager notification's way through the receiver: redacted, its Watchdogs
 * recorded (and a returning environment announced at once), its other alerts given their
 * deploy context and delivered to the sinks by `deadline`.
 */
export async function notify(deps: NotifyDeps, parsed: Notification, deadline: number): Promise<Notified> {
  const { engine, watchdog, board, metrics, log, now } = deps;
  const started = now();
  const all = redactNotification(parsed);
  const beats = await watchdog.heartbeats(all);
  if (beats.length > 0) {
    // An environment that comes back is announced at once, not at the next scheduled check.
    await watchdog
      .check(beats)
      .catch((e) => log({ event: "error", where: "watchdog", error: (e as Error).message }));
  }
  // The Watchdog itself is never posted anywhere.
  const alerts = all.alerts.filter((a) => !watchdog.isWatchdog(a));
  if (alerts.length === 0) return { kind: "heartbeat", watchdog: beats };
  const n: Notification =
    alerts.length === all.alerts.length
      ? all
      : { ...all, alerts, status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved" };
  metrics.received.inc({ status: n.status });
  const key = await idempotencyKey(n, deps.sha256);
  const deployments = await latestDeployments(n, deps.deployments);
  const deployContext = new Map<string, string>();
  for (const a of n.alerts) {
    const d = deployments.get(a.fingerprint);
    if (d) deployContext.set(a.fingerprint, describeDeploy(Date.parse(a.startsAt), d));
  }
  const sinks = await engine.deliver({ key, notification: n, deployContext, deployments }, deadline);
  const sinkResults: SinkResult[] = sinks.map(({ busy: _, ...r }) => r);
  board.record(n, deployContext, sinkResults, now());
  const duplicate = sinks.length > 0 && sinks.every((r) => r.delivered === 0 && r.failed === 0);
  if (duplicate) metrics.duplicates.inc();
  log({
    event: "notification",
    key,
    groupKey: n.groupKey,
    status: n.status,
    alerts: n.alerts.length,
    truncatedAlerts: n.truncatedAlerts,
    sinks: sinkResults,
    ms: now() - started,
  });
  return { kind: "delivered", key, duplicate, sinks };
}

/** The latest deployment of each firing alert's environment, by fingerprint. */
async function latestDeployments(
  n: Notification,
  source: DeploymentSource | undefined,
): Promise<Map<string, Deployment>> {
  const out = new Map<string, Deployment>();
  if (!source) return out;
  const byEnv = new Map<string, Promise<Deployment | undefined>>();
  for (const a of n.alerts) {
    const env = a.status === "firing" ? environmentOf(a) : undefined;
    if (!env) continue;
    let pending = byEnv.get(env);
    if (!pending) {
      pending = source.latest(env).catch(() => undefined);
      byEnv.set(env, pending);
    }
    const d = await pending;
    if (d) out.set(a.fingerprint, d);
  }
  return out;
}
