/**
 * What the smoke checks need from the world, as small interfaces. The adapters in
 * ./adapters implement them over fetch (directly or through the Kubernetes API proxy);
 * tests may implement them with plain objects.
 */

/** The part of fetch the adapters use; tests pass their own to count or fail requests. */
export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export type Health = "up" | "down" | "unknown";

/** One entry of Prometheus's /api/v1/targets activeTargets. */
export interface ActiveTarget {
  readonly labels: Readonly<Record<string, string>>;
  readonly scrapeUrl: string;
  readonly health: Health;
  readonly lastError: string;
  /** RFC 3339; `0001-01-01T00:00:00Z` before the first scrape. */
  readonly lastScrape: string;
  /** The target's own interval, e.g. `15s`, when Prometheus reports it. */
  readonly scrapeInterval?: string;
}

export interface RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly rules: readonly { readonly name: string; readonly health: string; readonly lastError?: string }[];
}

/** One entry of /api/v1/targets/metadata. */
export interface TargetMetadata {
  readonly target: Readonly<Record<string, string>>;
  readonly metric: string;
  readonly type: string;
}

export interface RuntimeInfo {
  readonly reloadConfigSuccess: boolean;
  readonly lastConfigTime: string;
}

export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: readonly [number, string];
}

export interface MatrixSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values: readonly (readonly [number, string])[];
}

export type QueryOutcome =
  | { readonly ok: true; readonly resultType: "vector"; readonly result: readonly VectorSample[] }
  | { readonly ok: true; readonly resultType: "matrix"; readonly result: readonly MatrixSeries[] }
  | { readonly ok: true; readonly resultType: "scalar" | "string"; readonly result: unknown }
  | { readonly ok: false; readonly error: string };

/**
 * Prometheus's HTTP API. Methods throw EnvironmentError when Prometheus cannot be
 * reached at all, and ApiError when it answers with an error.
 */
export interface PrometheusApi {
  ready(): Promise<{ readonly ready: boolean; readonly detail: string }>;
  runtimeInfo(): Promise<RuntimeInfo>;
  rules(): Promise<readonly RuleGroup[]>;
  targets(): Promise<readonly ActiveTarget[]>;
  targetMetadata(matchTarget: string): Promise<readonly TargetMetadata[]>;
  /** An instant query at `time` (ms since the epoch). Query errors come back as values. */
  query(expr: string, time: number): Promise<QueryOutcome>;
}

export interface ScrapeResponse {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

/** Reads a pod's /metrics: straight from its scrape URL, or through the pod proxy. */
export interface PodScraper {
  scrape(target: ActiveTarget): Promise<ScrapeResponse>;
}

export interface GrafanaHealth {
  readonly status: number;
  readonly database?: string;
}

export interface DatasourceHealth {
  readonly status: number;
  readonly state?: string;
  readonly message?: string;
}

export interface DashboardQuery {
  readonly refId: string;
  readonly expr: string;
  readonly panel: string;
}

export interface DashboardLookup {
  readonly uid: string;
  readonly found: boolean;
  readonly title?: string;
  readonly queries: readonly DashboardQuery[];
}

export interface DsQueryResult {
  readonly refId: string;
  readonly error?: string;
  /** Values across all frames; 0 means the panel shows "No data". */
  readonly points: number;
}

/** Grafana's HTTP API: /api/health, datasource health, dashboards by uid, /api/ds/query. */
export interface GrafanaApi {
  health(): Promise<GrafanaHealth>;
  datasourceHealth(uid: string): Promise<DatasourceHealth>;
  dashboard(uid: string): Promise<DashboardLookup>;
  query(datasourceUid: string, queries: readonly DashboardQuery[]): Promise<readonly DsQueryResult[]>;
}

/** Prometheus answered, but with an error (a status code and its message). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}
