import { type Deployment, formatAge } from "./deployments.ts";
import { type Alert, environmentOf, type Notification } from "./webhook.ts";

export interface FiringAlert {
  readonly fingerprint: string;
  readonly name: string;
  readonly env: string;
  readonly severity: string;
  readonly summary: string;
  readonly startsAt: string;
  readonly deploy?: string;
}

export interface SinkResult {
  readonly sink: string;
  readonly delivered: number;
  readonly duplicate: number;
  readonly failed: number;
  readonly reason?: string;
}

export interface DeliveryRecord {
  readonly at: number;
  readonly groupKey: string;
  readonly status: Notification["status"];
  readonly alerts: number;
  readonly sinks: readonly SinkResult[];
}

/** What this receiver instance has seen lately: firing alerts and its last deliveries. */
export class StatusBoard {
  private readonly firingAlerts = new Map<string, FiringAlert>();
  private readonly deliveries: DeliveryRecord[] = [];
  private readonly envs = new Set<string>();

  /** Keeps the last `keep` deliveries and at most `maxFiring` firing alerts (the oldest go first). */
  constructor(
    private readonly keep = 50,
    private readonly maxFiring = 1000,
  ) {}

  record(
    n: Notification,
    deploy: ReadonlyMap<string, string>,
    sinks: readonly SinkResult[],
    at: number,
  ): void {
    for (const a of n.alerts) {
      const env = environmentOf(a);
      if (env) this.envs.add(env);
      this.firingAlerts.delete(a.fingerprint);
      if (a.status === "firing") this.firingAlerts.set(a.fingerprint, firing(a, deploy.get(a.fingerprint)));
    }
    for (const fingerprint of this.firingAlerts.keys()) {
      if (this.firingAlerts.size <= this.maxFiring) break;
      this.firingAlerts.delete(fingerprint);
    }
    this.deliveries.unshift({ at, groupKey: n.groupKey, status: n.status, alerts: n.alerts.length, sinks });
    this.deliveries.length = Math.min(this.deliveries.length, this.keep);
  }

  firing(): FiringAlert[] {
    return [...this.firingAlerts.values()];
  }

  recent(): readonly DeliveryRecord[] {
    return this.deliveries;
  }

  environments(): string[] {
    return [...this.envs].sort();
  }
}

function firing(a: Alert, deploy: string | undefined): FiringAlert {
  return {
    fingerprint: a.fingerprint,
    name: a.labels.alertname ?? "alert",
    env: environmentOf(a) ?? "-",
    severity: a.labels.severity ?? "-",
    summary: a.annotations.summary ?? a.annotations.description ?? "",
    startsAt: a.startsAt,
    ...(deploy ? { deploy } : {}),
  };
}

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] as string);
}

const severityOrder = ["critical", "error", "warning", "info"];
function severityRank(s: string): number {
  const i = severityOrder.indexOf(s);
  return i < 0 ? severityOrder.length : i;
}

export interface StatusView {
  readonly firing: readonly FiringAlert[];
  readonly recent: readonly DeliveryRecord[];
  readonly deployments: readonly Deployment[];
  readonly now: number;
  readonly refreshSeconds: number;
}

function table(head: string[], rows: string[][], empty: string, id: string): string {
  if (rows.length === 0) return `<p id="${id}" class="empty">${esc(empty)}</p>`;
  return `<table id="${id}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

/** The status page: plain server-rendered HTML that reloads itself. */
export function renderStatusPage(v: StatusView): string {
  const byEnv = new Map<string, FiringAlert[]>();
  for (const a of v.firing) byEnv.set(a.env, [...(byEnv.get(a.env) ?? []), a]);
  const firingHtml =
    byEnv.size === 0
      ? `<p id="firing" class="empty">No alerts firing.</p>`
      : `<div id="firing">${[...byEnv.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([env, alerts]) => {
            const rows = alerts
              .sort(
                (a, b) => severityRank(a.severity) - severityRank(b.severity) || a.name.localeCompare(b.name),
              )
              .map((a) => [
                `<span class="sev sev-${esc(a.severity)}">${esc(a.severity)}</span>`,
                esc(a.name),
                esc(a.summary),
                esc(`${formatAge(v.now - Date.parse(a.startsAt))} ago`),
                esc(a.deploy ?? ""),
              ]);
            return `<h3>${esc(env)} <small>(${alerts.length} firing)</small></h3>${table(
              ["severity", "alert", "summary", "since", "deploy"],
              rows,
              "",
              `firing-${esc(env)}`,
            )}`;
          })
          .join("")}</div>`;
  const deliveries = table(
    ["when", "group", "status", "alerts", "sinks"],
    v.recent.map((d) => [
      esc(`${formatAge(v.now - d.at)} ago`),
      `<code>${esc(d.groupKey)}</code>`,
      esc(d.status),
      String(d.alerts),
      d.sinks.length === 0
        ? "no sink matched"
        : d.sinks
            .map((s) => {
              const state = s.failed > 0 ? "failed" : s.delivered > 0 ? "delivered" : "duplicate";
              return `<span class="sink ${state}">${esc(s.sink)}: ${state}${s.reason ? ` (${esc(s.reason)})` : ""}</span>`;
            })
            .join(" "),
    ]),
    "No deliveries yet.",
    "deliveries",
  );
  const deployments = table(
    ["environment", "ref", "commit", "reached"],
    v.deployments.map((d) => [
      esc(d.environment),
      esc(d.ref),
      `<code>${esc(d.sha.slice(0, 7))}</code>`,
      esc(`${formatAge(v.now - d.reachedAt)} ago`),
    ]),
    "No deployments known.",
    "deployments",
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${v.refreshSeconds}">
<title>flyby receiver</title>
<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin-bottom:1rem}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.empty{color:#666}
.sev-critical{color:#b00;font-weight:bold}.sev-warning{color:#a60}.failed{color:#b00}.delivered{color:#070}
</style></head><body>
<h1>flyby receiver</h1>
<h2>Firing alerts</h2>${firingHtml}
<h2>Last deliveries</h2>${deliveries}
<h2>Last deployment per environment</h2>${deployments}
</body></html>
`;
}
