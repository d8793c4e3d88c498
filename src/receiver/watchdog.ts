import { environmentLabel } from "../core/labels.ts";
import type { Alert, Notification } from "./webhook.ts";

/**
 * The dead man's switch. Every environment's Prometheus fires an always-on `Watchdog` alert
 * that Alertmanager repeats every minute or so; the receiver remembers when each environment's
 * last one arrived. On the receiver's own schedule, `watchdogActions` turns what is remembered
 * and the time into what to announce: an environment silent for longer than the window is
 * reported once, and once again when its Watchdog comes back. No clock, store or network here.
 */

/** What the receiver remembers about one environment. */
export interface EnvironmentWatch {
  readonly environment: string;
  /** When its last Watchdog arrived (epoch ms); undefined when none has yet. */
  readonly lastSeen?: number | undefined;
  /**
   * Set while the environment is reported silent: the time the silence is counted from (its
   * last Watchdog, or when watching started for one that never sent any).
   */
  readonly silentSince?: number | undefined;
}

export const WatchdogTransition = { Silent: "silent", Back: "back" } as const;
export type WatchdogTransition = (typeof WatchdogTransition)[keyof typeof WatchdogTransition];

export type WatchdogAction =
  | { readonly kind: typeof WatchdogTransition.Silent; readonly environment: string; readonly since: number }
  | {
      readonly kind: typeof WatchdogTransition.Back;
      readonly environment: string;
      readonly since: number;
      readonly at: number;
    };

/**
 * What to announce at `now`. An environment that has never sent a Watchdog counts from
 * `watchingSince` (when this receiver first checked), so a listed environment that never
 * reports is announced too.
 */
export function watchdogActions(
  watches: readonly EnvironmentWatch[],
  now: number,
  silenceMs: number,
  watchingSince: number,
): WatchdogAction[] {
  const actions: WatchdogAction[] = [];
  for (const w of [...watches].sort((a, b) => a.environment.localeCompare(b.environment))) {
    if (w.silentSince === undefined) {
      const since = w.lastSeen ?? watchingSince;
      if (now - since > silenceMs)
        actions.push({ kind: WatchdogTransition.Silent, environment: w.environment, since });
    } else if (w.lastSeen !== undefined && w.lastSeen > w.silentSince) {
      actions.push({
        kind: WatchdogTransition.Back,
        environment: w.environment,
        since: w.silentSince,
        at: w.lastSeen,
      });
    }
  }
  return actions;
}

/** The state an environment is in once an action has been announced. */
export function afterAction(a: WatchdogAction): Pick<EnvironmentWatch, "silentSince"> {
  return a.kind === "silent" ? { silentSince: a.since } : { silentSince: undefined };
}

export interface WatchdogAlertSettings {
  /** The name of the always-firing alert, `Watchdog`. */
  readonly alertname: string;
  readonly silenceMs: number;
  /** The severity of the announcement, for sinks that match on it. */
  readonly severity: string;
}

/** The name of the alert the receiver itself raises for a silent environment. */
export const SilentAlertName = "WatchdogSilent";

export function isWatchdog(a: Alert, alertname: string): boolean {
  return a.labels.alertname === alertname;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? `${Math.round(ms / 1000)} s` : `${m} min`;
}

/**
 * The announcement as an Alertmanager-style notification, so every sink renders it as it
 * renders any alert: firing when the environment falls silent, resolved when it is back. Its
 * fingerprint is fixed per environment (one GitHub issue opened, then closed) and its start
 * is the moment the window ran out, so every instance and every retry builds the same one.
 */
export function watchdogNotification(a: WatchdogAction, s: WatchdogAlertSettings): Notification {
  const startsAt = a.since + s.silenceMs;
  const labels = { alertname: SilentAlertName, [environmentLabel]: a.environment, severity: s.severity };
  const summary =
    a.kind === "silent"
      ? `No ${s.alertname} alert from ${a.environment} since ${iso(a.since)} (over ${minutes(s.silenceMs)}): ` +
        "its Prometheus or Alertmanager may be down, or cannot reach the receiver"
      : `${s.alertname} from ${a.environment} is back at ${iso(a.at)} after ${minutes(a.at - a.since)} of silence`;
  const status = a.kind === "silent" ? "firing" : "resolved";
  const alert: Alert = {
    status,
    labels,
    annotations: { summary },
    startsAt: iso(startsAt),
    endsAt: a.kind === "silent" ? "0001-01-01T00:00:00Z" : iso(a.at),
    generatorURL: "",
    fingerprint: `watchdog-silent-${a.environment}`,
  };
  return {
    version: "4",
    groupKey: `flyby-receiver/watchdog/${a.environment}`,
    truncatedAlerts: 0,
    status,
    receiver: "flyby-receiver",
    groupLabels: { alertname: SilentAlertName, [environmentLabel]: a.environment },
    commonLabels: labels,
    commonAnnotations: { summary },
    externalURL: "",
    alerts: [alert],
  };
}
