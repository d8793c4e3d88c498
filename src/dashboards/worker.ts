/** The GPU worker in detail, in the spirit of NVIDIA's DCGM dashboard: jobs, GPUs, loop, process. */
import { buckets, histogram_quantile, max, metric, rate, raw, sum } from "../alerts/dsl.ts";
import type { DashboardSpec } from "./dashboard.ts";
import { overRateInterval, type PanelContext, type Section, timeseriesPanel } from "./panels.ts";
import { processPanels, rateBy } from "./shared.ts";

export const workerSpec: DashboardSpec = {
  uid: "overflying-worker-detailed",
  title: "Overflying Worker - Detailed Metrics",
  description: "Job throughput, failures and duration, GPU utilization, memory and temperature of the worker",
  variables: ["environment", "namespace", "pod", "gpu_id"],
  services: ["worker"],
};

/**
 * GPU memory as a share of each environment's GPU: the expression of the memory alert, one
 * per environment (each divides by the memory its values give the GPU), joined.
 */
function gpuMemoryShare(ctx: PanelContext) {
  const subjects = ctx.thresholds.filter((t) => t.alert === "GpuMemoryNearFull").map((t) => t.subject);
  if (subjects.length === 0)
    throw new RangeError("no GpuMemoryNearFull alert to take the GPU memory size from");
  return raw(subjects.map((s) => `(${s})`).join(" or "));
}

export function workerSections(ctx: PanelContext): Section[] {
  const processed = () => overRateInterval(ctx, metric("overflying_worker_jobs_processed_total"));
  const failed = () => overRateInterval(ctx, metric("overflying_worker_jobs_failed_total"));
  const perGpu = { by: ["environment", "pod", "gpu_id"] } as const;
  return [
    {
      title: "Jobs",
      panels: [
        timeseriesPanel(ctx, {
          title: "Jobs processed / failed",
          description: "Jobs finished per second",
          unit: "ops",
          queries: [
            { expr: sum(rate(processed()), { by: ["environment"] }), legend: "{{environment}} processed" },
            { expr: sum(rate(failed()), { by: ["environment"] }), legend: "{{environment}} failed" },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Job failure ratio",
          description: "Share of finished jobs that failed",
          unit: "percentunit",
          min: 0,
          queries: [
            {
              expr: sum(rate(failed()), { by: ["environment"] }).div(
                sum(rate(processed()), { by: ["environment"] }).add(
                  sum(rate(failed()), { by: ["environment"] }),
                ),
              ),
              legend: "{{environment}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Failures by error type",
          description: "Failed jobs per second, by error type",
          unit: "ops",
          queries: [
            {
              expr: rateBy(ctx, "overflying_worker_jobs_failed_total", "error_type"),
              legend: "{{environment}} {{error_type}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Jobs in progress",
          description: "Jobs being processed, by pod",
          unit: "short",
          queries: [
            {
              expr: sum(metric("overflying_worker_jobs_in_progress"), { by: ["environment", "pod"] }),
              legend: "{{environment}} {{pod}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Job execution time p50 / p95",
          description: "Job duration quantiles from the execution-time histogram",
          unit: "s",
          width: 24,
          queries: [0.5, 0.95].map((q) => ({
            expr: histogram_quantile(
              q,
              sum(rate(overRateInterval(ctx, buckets("overflying_worker_job_execution_time_seconds"))), {
                by: ["environment", "le"],
              }),
            ),
            legend: `{{environment}} p${q * 100}`,
          })),
        }),
      ],
    },
    {
      title: "GPU",
      panels: [
        timeseriesPanel(ctx, {
          title: "GPU utilization",
          description: "Utilization of each GPU",
          unit: "percent",
          min: 0,
          max: 100,
          queries: [
            {
              expr: max(metric("overflying_worker_gpu_utilization"), perGpu),
              legend: "{{environment}} {{pod}} GPU {{gpu_id}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "GPU temperature",
          description: "Temperature of each GPU; the line is the overheating alert's",
          unit: "celsius",
          queries: [
            {
              expr: max(metric("overflying_worker_gpu_temperature_celsius"), perGpu),
              legend: "{{environment}} {{pod}} GPU {{gpu_id}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "GPU memory used",
          description: "Framebuffer memory used on each GPU",
          unit: "bytes",
          queries: [
            {
              expr: max(metric("overflying_worker_gpu_memory_used_bytes"), perGpu),
              legend: "{{environment}} {{pod}} GPU {{gpu_id}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "GPU memory used (share of the GPU)",
          description: "Framebuffer memory used, as a share of the GPU's memory in each environment's values",
          unit: "percentunit",
          min: 0,
          max: 1,
          queries: [{ expr: gpuMemoryShare(ctx), legend: "{{environment}} {{pod}} GPU {{gpu_id}}" }],
        }),
      ],
    },
    {
      title: "Worker loop",
      panels: [
        timeseriesPanel(ctx, {
          title: "Poll cycles by jobs found",
          description: "Poll cycles per second, by whether they found jobs",
          unit: "ops",
          queries: [
            {
              expr: rateBy(ctx, "overflying_worker_poll_cycles_total", "jobs_found"),
              legend: "{{environment}} found={{jobs_found}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "NATS events published",
          description: "Events the worker publishes per second, by type",
          unit: "ops",
          queries: [
            {
              expr: rateBy(ctx, "overflying_worker_nats_events_published_total", "event_type"),
              legend: "{{environment}} {{event_type}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Process",
      collapsed: true,
      panels: [
        ...processPanels(ctx, "worker"),
        timeseriesPanel(ctx, {
          title: "System CPU utilization",
          description: "CPU utilization of the node, as the worker sees it",
          unit: "percentunit",
          width: 8,
          queries: [
            {
              expr: max(metric("system_cpu_utilization"), { by: ["environment", "pod"] }),
              legend: "{{environment}} {{pod}}",
            },
          ],
        }),
      ],
    },
  ];
}
