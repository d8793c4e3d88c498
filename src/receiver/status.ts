import { type Deployment, formatAge } from "./deployments.ts";
import type { EnvironmentWatch } from "./watchdog.ts";
import { type Alert, environmentOf, type Notification } from "./webhook.ts";

export interface FiringAlert {
  readonly fingerprint: string;
  readonly name: string;
  readonly env: string;
  readonly severity: string;
  readonly summary: string;
  readonly startsAt: string;
  readonly deploy?: string;
  /** From the `runbook_url` annotation, when it is an http(s) address. */
  readonly runbookUrl?: string;
  /** Alertmanager's `generatorURL`: the expression in Prometheus, when it is an http(s) address. */
  readonly generatorUrl?: string;
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

/** Only http(s) addresses become links: an alert must not put `javascript:` in a page. */
function webAddress(text: string | undefined): string | undefined {
  return text && /^https?:\/\/[^\s]+$/i.test(text) ? text : undefined;
}

function firing(a: Alert, deploy: string | undefined): FiringAlert {
  const runbookUrl = webAddress(a.annotations.runbook_url);
  const generatorUrl = webAddress(a.generatorURL);
  return {
    ...(runbookUrl ? { runbookUrl } : {}),
    ...(generatorUrl ? { generatorUrl } : {}),
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
  /** The dead man's switch: every watched environment's last Watchdog. */
  readonly watchdog?: readonly EnvironmentWatch[];
  readonly silenceMs?: number;
  readonly now: number;
  readonly refreshSeconds: number;
  /** Signed in with a browser session: the page offers to sign out. */
  readonly signedIn?: boolean;
}

/** Headers of every HTML page: nothing cached, no framing, no scripts, forms post only here. */
export const htmlHeaders: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  // "same-origin", not "no-referrer": with no referrer, browsers send `Origin: null` on form posts.
  "referrer-policy": "same-origin",
};

const style = `<style>
body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin-bottom:1rem}
td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}.empty{color:#666}
.sev-critical{color:#b00;font-weight:bold}.sev-warning{color:#a60}.failed{color:#b00}.delivered{color:#070}
.silent{color:#b00;font-weight:bold}.error{color:#b00}form.signout{float:right}
</style>`;

function link(url: string | undefined, text: string, cls: string): string {
  return url ? `<a class="${cls}" href="${esc(url)}" rel="noopener noreferrer">${esc(text)}</a>` : "";
}

/** The sign-in form: the token goes in a POST body, never in a URL. */
export function renderSignInPage(message?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>flyby receiver: sign in</title>
${style}</head><body>
<h1>flyby receiver</h1>
${message ? `<p id="signin-error" class="error">${esc(message)}</p>` : ""}
<form id="signin" method="post" action="/signin">
<label for="token">Status token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</body></html>
`;
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
                [link(a.runbookUrl, "runbook", "runbook"), link(a.generatorUrl, "source", "generator")]
                  .filter(Boolean)
                  .join(" "),
              ]);
            return `<h3>${esc(env)} <small>(${alerts.length} firing)</small></h3>${table(
              ["severity", "alert", "summary", "since", "deploy", "links"],
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
  const silenceMs = v.silenceMs ?? 0;
  const watchdog = table(
    ["environment", "last Watchdog", "state"],
    (v.watchdog ?? []).map((w) => [
      esc(w.environment),
      esc(w.lastSeen === undefined ? "never" : `${formatAge(v.now - w.lastSeen)} ago`),
      w.silentSince !== undefined || (w.lastSeen !== undefined && v.now - w.lastSeen > silenceMs)
        ? `<span class="silent">silent</span>`
        : w.lastSeen === undefined
          ? "waiting for its first Watchdog"
          : "reporting",
    ]),
    "No Watchdog received yet.",
    "watchdog",
  );
  const signOut = v.signedIn
    ? `<form class="signout" id="signout" method="post" action="/signout"><button type="submit">Sign out</button></form>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${v.refreshSeconds}">
<title>flyby receiver</title>
${style}</head><body>
${signOut}<h1>flyby receiver</h1>
<h2>Firing alerts</h2>${firingHtml}
<h2>Last deliveries</h2>${deliveries}
<h2>Last deployment per environment</h2>${deployments}
<h2>Dead man's switch</h2>${watchdog}
</body></html>
`;
}
