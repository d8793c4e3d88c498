/** The API in detail: HTTP, jobs, database and process, per environment. */
import { buckets, histogram_quantile, max, metric, rate, sum } from "../alerts/dsl.ts";
import type { DashboardSpec } from "./dashboard.ts";
import { overRateInterval, type PanelContext, type Section, statPanel, timeseriesPanel } from "./panels.ts";
import { apiErrorRatio, processPanels, quantileBy, rateBy } from "./shared.ts";

export const apiSpec: DashboardSpec = {
  uid: "overflying-api-detailed",
  title: "Overflying API - Detailed Metrics",
  description: "HTTP traffic, errors and latency, jobs, database and process metrics of the API",
  variables: ["environment", "namespace", "pod"],
  services: ["api"],
};

const quantiles = [0.5, 0.95, 0.99] as const;

export function apiSections(ctx: PanelContext): Section[] {
  const _requests = () => overRateInterval(ctx, metric("http_server_requests_total"));
  const service = { service: "api" } as const;
  return [
    {
      title: "HTTP",
      panels: [
        timeseriesPanel(ctx, {
          title: "Request rate by route",
          description: "Requests per second, by route",
          unit: "reqps",
          queries: [
            {
              expr: rateBy(ctx, "http_server_requests_total", "route"),
              legend: "{{environment}} {{route}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Error ratio (5xx)",
          description: "Share of requests answered with a 5xx status",
          unit: "percentunit",
          min: 0,
          queries: [
            {
              expr: apiErrorRatio(ctx),
              legend: "{{environment}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Request latency p50 / p95 / p99",
          description: "Request duration quantiles from the HTTP histogram",
          unit: "s",
          queries: quantiles.map((q) => ({
            expr: histogram_quantile(
              q,
              sum(rate(overRateInterval(ctx, buckets("http_server_request_duration_seconds"))), {
                by: ["environment", "le"],
              }),
            ),
            legend: `{{environment}} p${q * 100}`,
          })),
        }),
        timeseriesPanel(ctx, {
          title: "Custom request duration p95 by route",
          description: "95th percentile of the API's own request-duration histogram, by route",
          unit: "s",
          queries: [
            {
              expr: quantileBy(ctx, 0.95, "overflying_http_request_duration_seconds", "route"),
              legend: "{{environment}} {{route}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Jobs",
      panels: [
        timeseriesPanel(ctx, {
          title: "Jobs created by priority",
          description: "Jobs created per second, by priority",
          unit: "ops",
          width: 8,
          queries: [
            {
              expr: rateBy(ctx, "overflying_jobs_created_total", "priority"),
              legend: "{{environment}} {{priority}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Jobs by status",
          description: "Jobs in the system, by status",
          unit: "short",
          width: 8,
          queries: [
            {
              expr: max(metric("overflying_jobs_by_status"), { by: ["environment", "status"] }),
              legend: "{{environment}} {{status}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "Jobs queued",
          description:
            "Jobs waiting for a worker; the line is where the queue alert starts watching its growth",
          unit: "short",
          width: 8,
          queries: [
            {
              expr: sum(metric("overflying_jobs_by_status", { status: "queued" }), { by: ["environment"] }),
              legend: "{{environment}}",
            },
          ],
        }),
        statPanel(ctx, {
          title: "Total jobs",
          description: "Jobs in the system",
          unit: "short",
          width: 4,
          queries: [
            {
              expr: max(metric("overflying_jobs_total"), { by: ["environment"] }),
              legend: "{{environment}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "SSE connections",
          description: "Active server-sent-event connections, by pod",
          unit: "short",
          width: 10,
          queries: [
            {
              expr: sum(metric("overflying_sse_connections_active"), { by: ["environment", "pod"] }),
              legend: "{{environment}} {{pod}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "NATS events published",
          description: "Events the API publishes per second, by type",
          unit: "ops",
          width: 10,
          queries: [
            {
              expr: rateBy(ctx, "overflying_nats_events_published_total", "event_type"),
              legend: "{{environment}} {{event_type}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Database",
      panels: [
        timeseriesPanel(ctx, {
          title: "DB pool connections",
          description: "Connections in the pool, by state",
          unit: "short",
          queries: [
            {
              expr: sum(metric("db_pool_connections_total"), { by: ["environment", "state"] }),
              legend: "{{environment}} {{state}}",
            },
          ],
        }),
        timeseriesPanel(ctx, {
          title: "DB query duration p95",
          description: "95th percentile of database query duration, by operation",
          unit: "s",
          queries: [
            {
              expr: quantileBy(ctx, 0.95, "db_query_duration_seconds", "operation"),
              legend: "{{environment}} {{operation}}",
            },
          ],
        }),
      ],
    },
    {
      title: "Process",
      collapsed: true,
      panels: [
        ...processPanels(ctx, "api"),
        timeseriesPanel(ctx, {
          title: "Open file descriptors",
          description: "Open file descriptors, by pod",
          unit: "short",
          width: 8,
          queries: [
            {
              expr: sum(metric("process_open_fds", service), { by: ["environment", "pod"] }),
              legend: "{{environment}} {{pod}}",
            },
          ],
        }),
      ],
    },
  ];
}
