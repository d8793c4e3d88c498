/**
 * Compile-time guarantees of panel queries: they are the alerts DSL's typed PromQL, so
 * `tsc --noEmit` rejects each `@ts-expect-error` line below, or reports the directive unused.
 */

import { max, metric, rate, re, sum } from "../alerts/dsl.ts";
import { Duration } from "../core/duration.ts";
import { overRateInterval, type PanelContext, timeseriesPanel } from "./panels.ts";

const ctx: PanelContext = { variables: ["environment"], thresholds: [], rateInterval: Duration.parse("1m") };
const panel = (expr: Parameters<typeof timeseriesPanel>[1]["queries"][number]["expr"]) =>
  timeseriesPanel(ctx, { title: "t", description: "d", unit: "short", queries: [{ expr, legend: "" }] });

panel(
  max(metric("overflying_worker_gpu_temperature_celsius", { gpu_id: re("0|1") }), { by: ["environment"] }),
);
// @ts-expect-error unknown metric in a panel
panel(max(metric("overflying_worker_gpu_temprature_celsius"), { by: ["environment"] }));
// @ts-expect-error a label the metric does not carry
panel(sum(metric("http_server_requests_total", { gpu_id: "0" }), { by: ["environment"] }));
// @ts-expect-error grouping by a label the metric does not carry
panel(sum(metric("http_server_requests_total"), { by: ["environment", "gpu_id"] }));
// @ts-expect-error rate() of a gauge
panel(sum(rate(overRateInterval(ctx, metric("overflying_jobs_total"))), { by: ["environment"] }));
// @ts-expect-error a unit Grafana does not know
timeseriesPanel(ctx, { title: "t", description: "d", unit: "celcius", queries: [] });
