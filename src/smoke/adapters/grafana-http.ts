import type { DashboardQuery, DsQueryResult, Fetch, GrafanaApi } from "../sources.ts";
import { errorText, redactUrl } from "./http.ts";

export interface GrafanaCredentials {
  /** A service account token, sent as a Bearer token. */
  readonly token?: string;
  readonly user?: string;
  readonly password?: string;
}

/** GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD, from the job's environment. */
export function grafanaCredentialsFrom(
  env: Readonly<Record<string, string | undefined>>,
): GrafanaCredentials {
  return {
    ...(env.GRAFANA_TOKEN ? { token: env.GRAFANA_TOKEN } : {}),
    ...(env.GRAFANA_USER ? { user: env.GRAFANA_USER } : {}),
    ...(env.GRAFANA_PASSWORD ? { password: env.GRAFANA_PASSWORD } : {}),
  };
}

interface Panel {
  readonly id?: number;
  readonly title?: string;
  readonly targets?: readonly { refId?: string; expr?: string; hide?: boolean }[];
  readonly panels?: readonly Panel[];
}

function* panelsOf(panels: readonly Panel[] | undefined): Iterable<Panel> {
  for (const p of panels ?? []) {
    yield p;
    yield* panelsOf(p.panels);
  }
}

/** Frames from /api/ds/query: a panel has data when any field holds a value. */
interface Frame {
  readonly data?: { readonly values?: readonly (readonly unknown[])[] };
}

/** Grafana's HTTP API over fetch: health, datasource health, dashboards by uid, /api/ds/query. */
export function grafanaOverHttp(
  base: string,
  fetch: Fetch,
  credentials: GrafanaCredentials = {},
): GrafanaApi {
  const root = base.replace(/\/$/, "");
  const headers: Record<string, string> = { accept: "application/json" };
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  else if (credentials.user !== undefined)
    headers.authorization = `Basic ${btoa(`${credentials.user}:${credentials.password ?? ""}`)}`;
  const call = async (path: string, init?: RequestInit) => {
    let r: Response;
    try {
      r = await fetch(`${root}${path}`, { ...init, headers: { ...headers, ...(init?.headers as object) } });
    } catch (e) {
      throw new Error(`Grafana at ${redactUrl(root)} is unreachable: ${(e as Error).message}`);
    }
    const text = await r.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, text, json: json as Record<string, unknown> | undefined };
  };
  return {
    async health() {
      const r = await call("/api/health");
      return {
        status: r.status,
        ...(typeof r.json?.database === "string" ? { database: r.json.database } : {}),
      };
    },
    async datasourceHealth(uid) {
      const r = await call(`/api/datasources/uid/${encodeURIComponent(uid)}/health`);
      return {
        status: r.status,
        ...(typeof r.json?.status === "string" ? { state: r.json.status } : {}),
        message: typeof r.json?.message === "string" ? r.json.message : errorText(r.status, r.text),
      };
    },
    async dashboard(uid) {
      const r = await call(`/api/dashboards/uid/${encodeURIComponent(uid)}`);
      if (r.status === 404) return { uid, found: false, queries: [] };
      if (r.status !== 200) throw new Error(`dashboard ${uid}: ${errorText(r.status, r.text)}`);
      const dashboard = (r.json?.dashboard ?? {}) as { title?: string; panels?: Panel[] };
      const queries: DashboardQuery[] = [];
      for (const panel of panelsOf(dashboard.panels)) {
        for (const t of panel.targets ?? []) {
          if (!t.expr || t.hide) continue;
          queries.push({
            refId: `${uid}/${panel.id ?? queries.length}/${t.refId ?? "A"}`,
            expr: t.expr,
            panel: panel.title ?? `#${panel.id}`,
          });
        }
      }
      return { uid, found: true, ...(dashboard.title ? { title: dashboard.title } : {}), queries };
    },
    async query(datasourceUid, queries) {
      const body = {
        from: "now-5m",
        to: "now",
        queries: queries.map((q) => ({
          refId: q.refId,
          datasource: { type: "prometheus", uid: datasourceUid },
          expr: q.expr,
          range: true,
          intervalMs: 15000,
          maxDataPoints: 100,
        })),
      };
      const r = await call("/api/ds/query", {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      const results = (r.json?.results ?? {}) as Record<string, { error?: string; frames?: Frame[] }>;
      if (r.status !== 200 && r.status !== 207 && Object.keys(results).length === 0)
        throw new Error(`/api/ds/query: ${errorText(r.status, r.text)}`);
      return queries.map((q): DsQueryResult => {
        const result = results[q.refId];
        if (!result) return { refId: q.refId, error: "no result returned", points: 0 };
        const points = (result.frames ?? []).reduce(
          (n, f) => n + Math.max(0, ...(f.data?.values ?? []).map((column) => column.length)),
          0,
        );
        return { refId: q.refId, ...(result.error ? { error: result.error } : {}), points };
      });
    },
  };
}
