import { type LoopbackServer, serveLoopback } from "./loopback.ts";
/**
 * A Grafana HTTP API double on 127.0.0.1, answering the documented endpoints the smoke
 * checks use: GET /api/health, GET /api/datasources/uid/:uid/health,
 * GET /api/dashboards/uid/:uid and POST /api/ds/query. Every request needs the token.
 */

export interface FakeDashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly { id: number; title: string; targets: { refId: string; expr: string }[] }[];
}

/** How a query evaluates: the number of points it returns, or an error. */
export type Evaluate = (expr: string) => Promise<{ points: number } | { error: string }>;

export interface FakeGrafanaOptions {
  readonly token: string;
  readonly datasourceUid: string;
  readonly dashboards: readonly FakeDashboard[];
  readonly evaluate: Evaluate;
  /** The datasource's health message when it cannot reach Prometheus. */
  datasourceError?: string;
  databaseFailing?: boolean;
}

export interface FakeGrafana extends LoopbackServer {
  readonly options: FakeGrafanaOptions;
}

const json = (status: number, body: unknown) => Response.json(body, { status });

export function startFakeGrafana(options: FakeGrafanaOptions): FakeGrafana {
  const server = serveLoopback(async (request, url) => {
    if (url.pathname === "/api/health") {
      const database = options.databaseFailing ? "failing" : "ok";
      return json(options.databaseFailing ? 503 : 200, { commit: "fake", database, version: "10.4.0" });
    }
    if (request.headers.get("authorization") !== `Bearer ${options.token}`)
      return json(401, { message: "Unauthorized" });
    const ds = /^\/api\/datasources\/uid\/([^/]+)\/health$/.exec(url.pathname);
    if (ds && request.method === "GET") {
      if (ds[1] !== options.datasourceUid) return json(404, { message: "Data source not found" });
      return options.datasourceError
        ? json(400, { status: "ERROR", message: options.datasourceError })
        : json(200, { status: "OK", message: "Successfully queried the Prometheus API." });
    }
    const dash = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(url.pathname);
    if (dash && request.method === "GET") {
      const d = options.dashboards.find((x) => x.uid === dash[1]);
      if (!d) return json(404, { message: "Dashboard not found" });
      return json(200, {
        dashboard: { uid: d.uid, title: d.title, panels: d.panels, schemaVersion: 39 },
        meta: { type: "db", slug: d.uid, provisioned: true },
      });
    }
    if (url.pathname === "/api/ds/query" && request.method === "POST") {
      const body = (await request.json()) as {
        queries?: { refId: string; expr: string; datasource?: { uid?: string } }[];
      };
      if (!Array.isArray(body.queries) || body.queries.length === 0)
        return json(400, { message: "No queries found in query", messageId: "query.noQueries" });
      let failed = false;
      const results: Record<string, unknown> = {};
      for (const q of body.queries) {
        if (q.datasource?.uid !== options.datasourceUid)
          return json(404, { message: "Data source not found" });
        const outcome = await options.evaluate(q.expr);
        if ("error" in outcome) {
          failed = true;
          results[q.refId] = { error: outcome.error, errorSource: "downstream", status: 400 };
          continue;
        }
        const times = Array.from({ length: outcome.points }, (_, i) => 1_700_000_000_000 + i * 15_000);
        results[q.refId] = {
          status: 200,
          frames: [
            {
              schema: {
                refId: q.refId,
                fields: [
                  { name: "Time", type: "time" },
                  { name: "Value", type: "number" },
                ],
              },
              data: { values: [times, times.map(() => 1)] },
            },
          ],
        };
      }
      return json(failed ? 400 : 200, { results });
    }
    return json(404, { message: "Not found" });
  });
  return { ...server, options };
}
