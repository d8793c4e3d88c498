/** Everything at a glance: scrape health, traffic and work, GPU heat, and one row per SLO. */
import { count, max, metric, rate, sum, up } from "../alerts/dsl.ts";
import type { DashboardSpec } from "./dashboard.ts";
import {
  gaugePanel,
  overRateInterval,
  type PanelContext,
  type Section,
  statPanel,
  timeseriesPanel,
} from "./panels.ts";
import { apiErrorRatio, apiRequestRate } from "./shared.ts";
import { type SloView, sloRow } from "./slo-rows.ts";

export const overviewSpec: DashboardSpec = {
  uid: "overflying-overview",
  title: "Overflying Overview",
  description: "Scrape health, API traffic, worker throughput, GPU temperature and SLOs at a glance",
  variables: ["environment", "namespace", "pod"],
  services: ["api", "worker"],
};

export function overviewSections(ctx: PanelContext, slos: readonly SloView[]): Section[] {
  return [
    {
      title: "Health",
      panels: [
        statPanel(ctx, {
          title: "Targets up per job",
          description: "Scrape targets answering, by job",
          unit: "short",
          width: 16,
          queries: [{ expr: sum(up(), { by: ["environment", "job"] }), legend: "{{environment}} {{job}}" }],
        }),
        statPanel(ctx, {
          title: "Targets down",
          description: "Scrape targets that did not answer the last scrape",
          unit: "short",
          width: 8,
          queries: [{ expr: count(up().eq(0), { by: ["environment"] }), legend: "{{environment}}" }],
          steps: [
            { value: null, color: "green" },
            { value: 1, color: "red" },
          ],
        }),
      ],
    },
    {
      title: "Traffic and work",
      panels: [
        timeseriesPanel(ctx, {
          title: "API request rate",
          description: "Requests per second",
          unit: "reqps",
          width: 8,
          queries: [{ expr: apiRequestRate(ctx), legend: "{{environment}}" }],
        }),
        timeseriesPanel(ctx, {
          title: "API error ratio (5xx)",
          description: "Share of requests answered with a 5xx status",
          unit: "percentunit",
          width: 8,
          min: 0,
          queries: [
            {
              expr: apiErrorRatio(ctx),
              legend: "{{environment}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Worker job throughput",
          description: "Jobs finished per second",
          unit: "ops",
          width: 8,
          queries: [
            {
              expr: sum(rate(overRateInterval(ctx, metric("overflying_worker_jobs_processed_total"))), {
                by: ["environment"],
              }),
              legend: "{{environment}} processed",
            },
            {
              expr: sum(rate(overRateInterval(ctx, metric("overflying_worker_jobs_failed_total"))), {
                by: ["environment"],
              }),
              legend: "{{environment}} failed",
            },
          ],
        }),
        gaugePanel(ctx, {
          title: "GPU temperature (max)",
          description: "Hottest GPU; the overheating alert's threshold colours it",
          unit: "celsius",
          width: 24,
          min: 0,
          max: 110,
          queries: [
            {
              expr: max(metric("overflying_worker_gpu_temperature_celsius"), { by: ["environment"] }),
              legend: "{{environment}}",
            },
          ],
        }),
      ],
    },
    ...slos.map((slo) => sloRow(ctx, slo)),
  ];
}
