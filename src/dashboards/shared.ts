/** Queries and panels more than one dashboard shows. */
import { histogram_quantile, metric, rate, re, sum } from "../alerts/dsl.ts";
import {
  buckets,
  type HistogramName,
  type PlainMetricName,
  type Selector,
  type SeriesLabel,
  sum as sumAny,
  type Vector,
} from "../alerts/expr.ts";
import type { MetricsOfType } from "../core/catalog/metrics.ts";
import { overRateInterval, type PanelContext, timeseriesPanel } from "./panels.ts";

/** API requests per second, of a status class (`5..`) or all, per environment. */
export function apiRequestRate(ctx: PanelContext, status?: string) {
  const requests = metric("http_server_requests_total", status ? { status: re(status) } : {});
  return sum(rate(overRateInterval(ctx, requests)), { by: ["environment"] });
}

/** The share of API requests answered 5xx: the expression the error-rate alert compares. */
export function apiErrorRatio(ctx: PanelContext) {
  return apiRequestRate(ctx, "5..").div(apiRequestRate(ctx));
}

/** The per-second rate of a counter, per environment and `label`, over Grafana's rate interval. */
export function rateBy<M extends MetricsOfType<"counter">>(
  ctx: PanelContext,
  counter: M,
  label: SeriesLabel<M>,
) {
  // tsc cannot narrow metric()'s kind for a generic name; M is a counter.
  const selector = metric(counter as PlainMetricName) as unknown as Selector<"counter", string>;
  return sumAny(rate(overRateInterval(ctx, selector)), { by: ["environment", label] });
}

/** The φ-quantile of a histogram per environment and `label`, over Grafana's rate interval. */
export function quantileBy<M extends HistogramName>(
  ctx: PanelContext,
  q: number,
  histogram: M,
  label: SeriesLabel<M>,
): Vector<"value", string> {
  const perBucket = sumAny(rate(overRateInterval(ctx, buckets(histogram))), {
    by: ["environment", "le", label],
  }) as Vector<"histogram", string>;
  return histogram_quantile(q, perBucket);
}

/** CPU and resident memory of a service's pods. */
export function processPanels(ctx: PanelContext, service: "api" | "worker") {
  const ofService = { service } as const;
  return [
    timeseriesPanel(ctx, {
      title: "CPU usage by pod",
      description: "CPU seconds used per second, by pod",
      unit: "short",
      width: 8,
      queries: [
        {
          expr: sum(rate(overRateInterval(ctx, metric("process_cpu_seconds_total", ofService))), {
            by: ["environment", "pod"],
          }),
          legend: "{{environment}} {{pod}}",
        },
      ],
    }),
    timeseriesPanel(ctx, {
      title: "Memory by pod",
      description: "Resident memory, by pod",
      unit: "bytes",
      width: 8,
      queries: [
        {
          expr: sum(metric("process_resident_memory_bytes", ofService), { by: ["environment", "pod"] }),
          legend: "{{environment}} {{pod}}",
        },
      ],
    }),
  ];
}
