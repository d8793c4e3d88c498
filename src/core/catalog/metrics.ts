/**
 * The metric catalog: every metric in the seed guide's Metrics Reference, typed.
 * Dashboards, alert rules and smoke checks may only use metrics listed here.
 *
 * Histograms are listed by their base name; their series are `<name>_bucket`
 * (with `le`), `<name>_sum` and `<name>_count`. The seed guide names the worker
 * histogram `overflying_worker_job_execution_time_seconds` but queries
 * `overflying_worker_job_execution_time_bucket`; the catalog keeps the base name with its
 * unit, so the bucket series is `overflying_worker_job_execution_time_seconds_bucket`.
 */

export const MetricType = { Counter: "counter", Gauge: "gauge", Histogram: "histogram" } as const;
export type MetricType = (typeof MetricType)[keyof typeof MetricType];

export const Service = {
  Api: "api",
  Worker: "worker",
  Prometheus: "prometheus",
  Grafana: "grafana",
  Alertmanager: "alertmanager",
} as const;
export type Service = (typeof Service)[keyof typeof Service];

export interface MetricDefinition {
  readonly type: MetricType;
  readonly help: string;
  /** Labels the service itself sets (not the ones Prometheus adds when scraping). */
  readonly labels: readonly string[];
  /** The services that emit it. */
  readonly services: readonly Service[];
  /** Bucket upper bounds, for histograms: latency SLOs must use one of them. */
  readonly buckets?: readonly number[];
  /** The unit, when the name carries one. */
  readonly unit?: "seconds" | "bytes" | "celsius" | "percent" | "ratio";
}

const httpBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const jobBuckets = [0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600] as const;

export const metrics = {
  // API: HTTP (auto-instrumented)
  http_server_requests_total: {
    type: "counter",
    help: "Total HTTP requests by method, route and status",
    labels: ["method", "route", "status"],
    services: ["api"],
  },
  http_server_request_duration_seconds: {
    type: "histogram",
    help: "HTTP request duration",
    labels: ["method", "route", "status"],
    services: ["api"],
    buckets: httpBuckets,
    unit: "seconds",
  },
  // API: business metrics
  overflying_jobs_created_total: {
    type: "counter",
    help: "Total number of jobs created",
    labels: ["priority", "submitted_by"],
    services: ["api"],
  },
  overflying_jobs_total: {
    type: "gauge",
    help: "Current total jobs in the system",
    labels: [],
    services: ["api"],
  },
  overflying_jobs_by_status: {
    type: "gauge",
    help: "Jobs by status (queued, running, completed, failed)",
    labels: ["status"],
    services: ["api"],
  },
  overflying_sse_connections_active: {
    type: "gauge",
    help: "Active SSE connections",
    labels: [],
    services: ["api"],
  },
  overflying_nats_events_published_total: {
    type: "counter",
    help: "NATS events published by the API",
    labels: ["event_type"],
    services: ["api"],
  },
  overflying_http_request_duration_seconds: {
    type: "histogram",
    help: "Custom HTTP request duration",
    labels: ["method", "route"],
    services: ["api"],
    buckets: httpBuckets,
    unit: "seconds",
  },
  // API: database (auto-instrumented)
  db_pool_connections_total: {
    type: "gauge",
    help: "Database connection pool connections by state",
    labels: ["state"],
    services: ["api"],
  },
  db_query_duration_seconds: {
    type: "histogram",
    help: "Database query duration",
    labels: ["operation"],
    services: ["api"],
    buckets: httpBuckets,
    unit: "seconds",
  },
  // System (auto-instrumented)
  process_cpu_seconds_total: {
    type: "counter",
    help: "Total user and system CPU time spent in seconds",
    labels: [],
    services: ["api", "worker"],
    unit: "seconds",
  },
  process_resident_memory_bytes: {
    type: "gauge",
    help: "Resident memory size in bytes",
    labels: [],
    services: ["api", "worker"],
    unit: "bytes",
  },
  process_open_fds: {
    type: "gauge",
    help: "Number of open file descriptors",
    labels: [],
    services: ["api"],
  },
  system_cpu_utilization: {
    type: "gauge",
    help: "System-wide CPU utilization (0-1)",
    labels: [],
    services: ["worker"],
    unit: "ratio",
  },
  // Worker: jobs
  overflying_worker_jobs_processed_total: {
    type: "counter",
    help: "Jobs processed successfully",
    labels: ["job_name"],
    services: ["worker"],
  },
  overflying_worker_jobs_failed_total: {
    type: "counter",
    help: "Jobs failed",
    labels: ["job_name", "error_type"],
    services: ["worker"],
  },
  overflying_worker_jobs_in_progress: {
    type: "gauge",
    help: "Jobs currently processing",
    labels: [],
    services: ["worker"],
  },
  overflying_worker_job_execution_time_seconds: {
    type: "histogram",
    help: "Job execution duration",
    labels: ["job_name"],
    services: ["worker"],
    buckets: jobBuckets,
    unit: "seconds",
  },
  // Worker: GPU
  overflying_worker_gpu_utilization: {
    type: "gauge",
    help: "GPU utilization in percent (0-100)",
    labels: ["gpu_id"],
    services: ["worker"],
    unit: "percent",
  },
  overflying_worker_gpu_memory_used_bytes: {
    type: "gauge",
    help: "GPU memory used in bytes",
    labels: ["gpu_id"],
    services: ["worker"],
    unit: "bytes",
  },
  overflying_worker_gpu_temperature_celsius: {
    type: "gauge",
    help: "GPU temperature in degrees Celsius",
    labels: ["gpu_id"],
    services: ["worker"],
    unit: "celsius",
  },
  // Worker: loop
  overflying_worker_poll_cycles_total: {
    type: "counter",
    help: "Poll cycles executed",
    labels: ["jobs_found"],
    services: ["worker"],
  },
  overflying_worker_nats_events_published_total: {
    type: "counter",
    help: "NATS events published by the worker",
    labels: ["event_type"],
    services: ["worker"],
  },
  // Prometheus watching itself (the seed's "Monitor the Monitors")
  prometheus_rule_evaluation_failures_total: {
    type: "counter",
    help: "Rule evaluations that failed",
    labels: ["rule_group"],
    services: ["prometheus"],
  },
  prometheus_tsdb_compactions_failed_total: {
    type: "counter",
    help: "TSDB compactions that failed",
    labels: [],
    services: ["prometheus"],
  },
  prometheus_tsdb_storage_blocks_bytes: {
    type: "gauge",
    help: "Bytes used by TSDB blocks on disk",
    labels: [],
    services: ["prometheus"],
    unit: "bytes",
  },
  // Prometheus sending alerts to Alertmanager
  prometheus_notifications_errors_total: {
    type: "counter",
    help: "Errors sending alert notifications, per Alertmanager",
    labels: ["alertmanager"],
    services: ["prometheus"],
  },
  prometheus_notifications_sent_total: {
    type: "counter",
    help: "Alerts sent, per Alertmanager",
    labels: ["alertmanager"],
    services: ["prometheus"],
  },
  prometheus_notifications_dropped_total: {
    type: "counter",
    help: "Alerts dropped because of errors sending them to Alertmanager",
    labels: [],
    services: ["prometheus"],
  },
  prometheus_notifications_alertmanagers_discovered: {
    type: "gauge",
    help: "Alertmanagers Prometheus discovered and is sending alerts to",
    labels: [],
    services: ["prometheus"],
  },
  // Alertmanager delivering notifications
  alertmanager_notifications_total: {
    type: "counter",
    help: "Notifications attempted, per integration",
    labels: ["integration"],
    services: ["alertmanager"],
  },
  alertmanager_notifications_failed_total: {
    type: "counter",
    help: "Notifications that failed, per integration",
    labels: ["integration"],
    services: ["alertmanager"],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof metrics;
export type LabelOf<M extends MetricName> = (typeof metrics)[M]["labels"][number];
export type MetricsOfType<T extends MetricType> = {
  [M in MetricName]: (typeof metrics)[M]["type"] extends T ? M : never;
}[MetricName];

/**
 * Labels Prometheus attaches to every scraped series through the scrape config's
 * relabelling (manifests/templates/observability/prometheus-config.yaml.hbs), plus the
 * synthetic `up` series per target.
 */
export const targetLabels = ["job", "instance", "namespace", "pod", "environment", "service"] as const;
export type TargetLabel = (typeof targetLabels)[number];

/** Series Prometheus makes itself for every target. */
export const syntheticSeries = ["up", "scrape_duration_seconds", "scrape_samples_scraped"] as const;

/** Labels that must never be kept: the seed calls out `user_id` as high-cardinality. */
export const highCardinalityLabels = [
  "user_id",
  "session_id",
  "request_id",
  "trace_id",
  "email",
  "ip",
] as const;

const histogramSuffixes = ["_bucket", "_sum", "_count"] as const;

/**
 * Resolves a series name as written in PromQL to its catalog metric: the name itself, or a
 * histogram's `_bucket`/`_sum`/`_count` series. Returns undefined for unknown names.
 */
export function resolveSeries(
  series: string,
): { metric: MetricName; definition: MetricDefinition } | undefined {
  if (Object.hasOwn(metrics, series)) {
    const definition: MetricDefinition = metrics[series as MetricName];
    // A histogram has no series under its bare name.
    if (definition.type !== "histogram") return { metric: series as MetricName, definition };
  }
  for (const suffix of histogramSuffixes) {
    if (!series.endsWith(suffix)) continue;
    const base = series.slice(0, -suffix.length);
    if (Object.hasOwn(metrics, base)) {
      const definition: MetricDefinition = metrics[base as MetricName];
      if (definition.type === "histogram") return { metric: base as MetricName, definition };
    }
  }
  return undefined;
}

export function metricsEmittedBy(service: Service): MetricName[] {
  return (Object.keys(metrics) as MetricName[]).filter((m) =>
    (metrics[m].services as readonly Service[]).includes(service),
  );
}
