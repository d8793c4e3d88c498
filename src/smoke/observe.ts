import { EnvironmentError } from "../core/errors.ts";
import { dcgmMetricNames, gpuMetricNames } from "./checks/gpu.ts";
import { exampleQueries } from "./checks/queries.ts";
import type { SmokeExpectations } from "./expectations.ts";
import type {
  ActiveTarget,
  DashboardLookup,
  DatasourceHealth,
  DsQueryResult,
  GrafanaApi,
  GrafanaHealth,
  PodScraper,
  PrometheusApi,
  QueryOutcome,
  RuleGroup,
  RuntimeInfo,
  ScrapeResponse,
  TargetMetadata,
} from "./sources.ts";

/** A value, or the error message an API answered with instead. */
export type Attempt<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

async function attempt<T>(f: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    return { ok: false, error: (e as Error).message };
  }
}

export interface GrafanaObservation {
  readonly health: Attempt<GrafanaHealth>;
  readonly datasource: Attempt<DatasourceHealth>;
  readonly dashboards: readonly Attempt<DashboardLookup>[];
  readonly data: Attempt<readonly DsQueryResult[]>;
}

/** Everything one smoke run read, at one moment. The checks are pure functions of it. */
export interface Observation {
  /** When it was taken, ms since the epoch. */
  readonly at: number;
  readonly ready: { readonly ready: boolean; readonly detail: string };
  readonly runtime: Attempt<RuntimeInfo>;
  readonly rules: Attempt<readonly RuleGroup[]>;
  /** Active targets of the expected jobs only. */
  readonly targets: Attempt<readonly ActiveTarget[]>;
  readonly metadata: Attempt<readonly TargetMetadata[]>;
  /** `group by (__name__, job)` over the expected jobs. */
  readonly present: QueryOutcome;
  readonly gpu: QueryOutcome;
  readonly dcgm?: QueryOutcome;
  /** The guide's example queries: one combined query, then each alone when it fails. */
  readonly examples: readonly { readonly expr: string; readonly error?: string }[];
  readonly scrapes: readonly { readonly target: ActiveTarget; readonly response: Attempt<ScrapeResponse> }[];
  readonly grafana?: GrafanaObservation;
}

export interface Sources {
  readonly prometheus: PrometheusApi;
  readonly scraper: PodScraper;
  readonly grafana?: GrafanaApi;
}

const regexEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A PromQL double-quoted literal of a regex matching any of the values exactly. */
export const alternation = (values: readonly string[]) =>
  values.map(regexEscape).join("|").replace(/[\\"]/g, "\\$&");

/** How far back GPU series are read: long enough to tell a stopped series from a missing one. */
export function gpuWindowSeconds(expectations: SmokeExpectations): number {
  return Math.max(1, Math.round(10 * expectations.scrapeInterval.seconds));
}

const notReadyOutcome: QueryOutcome = { ok: false, error: "Prometheus is not ready" };
const notReady = { ok: false, error: "Prometheus is not ready" } as const;

/** One pass over Prometheus, the pods and Grafana: 8 Prometheus requests, plus 1 per pod. */
export async function observe(
  sources: Sources,
  expectations: SmokeExpectations,
  at: number,
): Promise<Observation> {
  const { prometheus } = sources;
  const grafana = sources.grafana ? observeGrafana(sources.grafana, expectations) : undefined;
  const ready = await prometheus.ready();
  if (!ready.ready) {
    return {
      at,
      ready,
      runtime: notReady,
      rules: notReady,
      targets: notReady,
      metadata: notReady,
      present: notReadyOutcome,
      gpu: notReadyOutcome,
      examples: [],
      scrapes: [],
      ...(grafana ? { grafana: await grafana } : {}),
    };
  }
  const jobs = expectations.jobs.map((j) => j.job);
  const workerJobs = expectations.jobs.filter((j) => j.service === "worker").map((j) => j.job);
  const jobMatcher = `job=~"${alternation(jobs)}"`;
  const window = `${gpuWindowSeconds(expectations)}s`;
  const [runtime, rules, targets, metadata, present, gpu, examples] = await Promise.all([
    attempt(() => prometheus.runtimeInfo()),
    attempt(() => prometheus.rules()),
    attempt(async () => (await prometheus.targets()).filter((t) => jobs.includes(t.labels.job ?? ""))),
    attempt(() => prometheus.targetMetadata(`{${jobMatcher}}`)),
    prometheus.query(`group by (__name__, job) ({${jobMatcher}})`, at),
    prometheus.query(
      `{__name__=~"${alternation(gpuMetricNames)}", job=~"${alternation(workerJobs)}"}[${window}]`,
      at,
    ),
    evaluateExamples(prometheus, at),
  ]);
  const pods = targets.ok
    ? targets.value.map((t) => t.labels.pod).filter((p): p is string => p !== undefined)
    : [];
  const [dcgm, scrapes] = await Promise.all([
    expectations.dcgm
      ? prometheus.query(
          `{__name__=~"${alternation(dcgmMetricNames)}", pod=~"${alternation(pods)}"}[${window}]`,
          at,
        )
      : undefined,
    Promise.all(
      (targets.ok ? targets.value : []).map(async (target) => ({
        target,
        response: await attempt(() => sources.scraper.scrape(target)),
      })),
    ),
  ]);
  return {
    at,
    ready,
    runtime,
    rules,
    targets,
    metadata,
    present,
    gpu,
    ...(dcgm ? { dcgm } : {}),
    examples,
    scrapes,
    ...(grafana ? { grafana: await grafana } : {}),
  };
}

async function evaluateExamples(prometheus: PrometheusApi, at: number) {
  const combined = await prometheus.query(exampleQueries.map((q) => `(${q})`).join(" or "), at);
  if (combined.ok) return exampleQueries.map((expr) => ({ expr }));
  return Promise.all(
    exampleQueries.map(async (expr) => {
      const alone = await prometheus.query(expr, at);
      return alone.ok ? { expr } : { expr, error: alone.error };
    }),
  );
}

async function observeGrafana(api: GrafanaApi, expectations: SmokeExpectations): Promise<GrafanaObservation> {
  const { datasourceUid, dashboardUids } = expectations.grafana;
  const [health, datasource, dashboards] = await Promise.all([
    attempt(() => api.health()),
    attempt(() => api.datasourceHealth(datasourceUid)),
    Promise.all(dashboardUids.map((uid) => attempt(() => api.dashboard(uid)))),
  ]);
  const queries = dashboards.flatMap((d) =>
    d.ok
      ? d.value.queries.map((q) => ({ ...q, expr: substituteVariables(q.expr, expectations.environment) }))
      : [],
  );
  const data = await attempt(async () => (queries.length > 0 ? api.query(datasourceUid, queries) : []));
  return { health, datasource, dashboards, data };
}

/**
 * Dashboard variables are resolved by Grafana's frontend, not by /api/ds/query: the
 * environment variable becomes the environment, any other variable matches everything.
 * Grafana's own `$__…` variables are left for its backend.
 */
export function substituteVariables(expr: string, environment: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string, bare: string) => {
    const name = braced ?? bare;
    if (name.startsWith("__")) return whole;
    return name === "environment" || name === "env" ? environment : ".*";
  });
}
