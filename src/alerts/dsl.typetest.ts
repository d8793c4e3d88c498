/**
 * Compile-time guarantees of the DSL. `tsc --noEmit` checks this file: each
 * `@ts-expect-error` line must fail to compile, or tsc reports the directive as unused.
 */
import {
  alert,
  buckets,
  count,
  deriv,
  histogram_quantile,
  increase,
  latencySli,
  max,
  metric,
  rate,
  re,
  series,
  sum,
  up,
  vector,
} from "./dsl.ts";

// rate() and increase() accept counters only.
rate(metric("http_server_requests_total").over("5m"));
// @ts-expect-error rate() on a gauge
rate(metric("overflying_worker_gpu_temperature_celsius").over("5m"));
// @ts-expect-error increase() on a gauge
increase(metric("overflying_jobs_total").over("5m"));
// @ts-expect-error deriv() on a counter
deriv(metric("http_server_requests_total").over("5m"));

// histogram_quantile() accepts histogram buckets only, with `le` kept.
histogram_quantile(
  0.95,
  sum(rate(buckets("http_server_request_duration_seconds").over("5m")), {
    by: ["environment", "le", "route"],
  }),
);
// @ts-expect-error histogram_quantile() on a counter
histogram_quantile(0.95, rate(metric("http_server_requests_total").over("5m")));
// @ts-expect-error histogram_quantile() on a gauge
histogram_quantile(0.95, metric("overflying_worker_gpu_utilization"));
const byRoute = sum(rate(buckets("http_server_request_duration_seconds").over("5m")), {
  by: ["environment", "route"],
});
// @ts-expect-error histogram_quantile() after `le` was aggregated away
histogram_quantile(0.95, byRoute);

// Matchers accept only the metric's labels (and the scrape's target labels).
metric("http_server_requests_total", { status: re("5.."), namespace: "production" });
// @ts-expect-error unknown label in a matcher
metric("http_server_requests_total", { gpu_id: "0" });
// @ts-expect-error unknown label in up()
up({ status: "500" });

// by() and without() accept only labels the vector carries.
sum(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment", "gpu_id", "pod"] });
// @ts-expect-error unknown label in by()
sum(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment", "route"] });
// @ts-expect-error unknown label in without()
sum(metric("overflying_worker_gpu_temperature_celsius"), { without: ["status"] });
// @ts-expect-error a label dropped by an inner by() is gone
sum(sum(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment", "pod"] }), {
  by: ["environment", "gpu_id"],
});

// Metric names come from the catalog.
// @ts-expect-error unknown metric name
metric("overflying_worker_gpu_temprature_celsius");
// @ts-expect-error a histogram has no series under its bare name
metric("http_server_request_duration_seconds");
// @ts-expect-error unknown metric in test input
series("overflying_gpu_temperature", {}, "95x10");

// A latency threshold must be one of the histogram's buckets.
latencySli({ histogram: "http_server_request_duration_seconds", threshold: 0.5, by: ["namespace"] });
// @ts-expect-error 0.3 is not a bucket bound
latencySli({ histogram: "http_server_request_duration_seconds", threshold: 0.3, by: ["namespace"] });

// Severity is a union; test expectations name only labels the expression keeps.
alert({
  name: "GpuHot",
  expr: metric("overflying_worker_gpu_temperature_celsius").gt(90),
  // @ts-expect-error "page" is a tier, not a severity
  severity: "page",
  team: "ml",
  summary: "",
  description: "",
  runbook: "gpu",
  tests: [],
});
alert({
  name: "GpuHot",
  expr: sum(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment", "pod"] }).gt(90),
  severity: "critical",
  team: "ml",
  summary: "",
  description: "",
  runbook: "gpu",
  // @ts-expect-error gpu_id was aggregated away
  tests: [{ name: "t", input: [], at: "5m", fires: [{ labels: { gpu_id: "0" } }] }],
});

// Aggregations keep the environment label: one Prometheus scrapes every environment.
sum(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment", "pod"] });
sum(metric("overflying_worker_gpu_temperature_celsius"), { without: ["gpu_id"] });
max(metric("prometheus_notifications_alertmanagers_discovered"), { by: ["environment", "instance"] });
// @ts-expect-error by() drops environment
sum(metric("overflying_worker_gpu_temperature_celsius"), { by: ["namespace", "pod"] });
// @ts-expect-error by() drops environment, even in an inner aggregation
max(count(up().eq(0), { by: ["job"] }), { by: ["job"] });
// @ts-expect-error without() drops environment
max(metric("overflying_worker_gpu_temperature_celsius"), { without: ["environment"] });
// @ts-expect-error an aggregation without grouping drops environment
count(up().eq(0));
// A vector without the label (vector(1), the Watchdog) may still be aggregated whole.
sum(vector(1));
