import { RoutingLabels, type SinkMatch } from "./config.ts";
import type { Alert, Notification } from "./webhook.ts";

export function matches(alert: Alert, match: SinkMatch | undefined): boolean {
  if (!match) return true;
  return RoutingLabels.every((label) => {
    const allowed = match[label];
    return !allowed || allowed.includes(alert.labels[label] ?? "");
  });
}

/** The part of a notification a sink receives, or undefined when none of its alerts match. */
export function routeTo(n: Notification, match: SinkMatch | undefined): Notification | undefined {
  if (!match) return n;
  const alerts = n.alerts.filter((a) => matches(a, match));
  if (alerts.length === 0) return undefined;
  if (alerts.length === n.alerts.length) return n;
  return { ...n, alerts, status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved" };
}
