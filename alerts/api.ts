import {
  alert,
  bucketSeries,
  buckets,
  group,
  histogram_quantile,
  metric,
  type RuleFile,
  rate,
  ratioSli,
  re,
  series,
  slo,
  sloRules,
  sum,
} from "../src/alerts/dsl.ts";

const requests = (status?: string) =>
  metric("http_server_requests_total", status === undefined ? {} : { status: re(status) });
const prod = { environment: "production", namespace: "production", job: "api", pod: "api-0" } as const;

export const apiHighErrorRate = alert({
  name: "ApiHighErrorRate",
  expr: sum(rate(requests("5..").over("5m")), { by: ["environment"] })
    .div(sum(rate(requests().over("5m")), { by: ["environment"] }))
    .gt(0.05),
  for: "5m",
  severity: "critical",
  team: "backend",
  summary: "API 5xx ratio is {{ $value | humanizePercentage }} in {{ $labels.environment }}",
  description:
    "More than 5% of API requests in {{ $labels.environment }} failed with a 5xx status for 5 minutes.",
  runbook: "api/high-error-rate",
  tests: [
    {
      name: "10% of requests fail",
      input: [
        series("http_server_requests_total", { ...prod, status: "500", route: "/jobs" }, "0+60x40"),
        series("http_server_requests_total", { ...prod, status: "200", route: "/jobs" }, "0+540x40"),
      ],
      at: "10m",
      fires: [{ labels: { environment: "production" }, value: 0.1 }],
    },
    {
      name: "1% of requests fail",
      input: [
        series("http_server_requests_total", { ...prod, status: "500", route: "/jobs" }, "0+6x40"),
        series("http_server_requests_total", { ...prod, status: "200", route: "/jobs" }, "0+594x40"),
      ],
      at: "10m",
      fires: [],
    },
  ],
});

export const apiLatencyHigh = alert({
  name: "ApiLatencyHigh",
  expr: histogram_quantile(
    0.95,
    sum(rate(buckets("http_server_request_duration_seconds").over("5m")), { by: ["environment", "le"] }),
  ).gt(1),
  for: "10m",
  severity: "warning",
  team: "backend",
  summary: "API p95 latency is {{ $value | humanize }}s in {{ $labels.environment }}",
  description:
    "The 95th percentile of API request duration in {{ $labels.environment }} stayed above 1s for 10 minutes.",
  runbook: "api/latency-high",
  tests: [
    {
      name: "most requests take 1-2.5s",
      input: [
        bucketSeries("http_server_request_duration_seconds", { ...prod, le: "0.5" }, "0+10x80"),
        bucketSeries("http_server_request_duration_seconds", { ...prod, le: "1" }, "0+10x80"),
        bucketSeries("http_server_request_duration_seconds", { ...prod, le: "2.5" }, "0+100x80"),
        bucketSeries("http_server_request_duration_seconds", { ...prod, le: "+Inf" }, "0+100x80"),
      ],
      at: "16m",
      fires: [{ labels: { environment: "production" }, value: 2.41667 }],
    },
  ],
});

export const apiAvailability = slo({
  name: "api_availability",
  alert: "ApiAvailabilityBudgetBurn",
  objective: 0.999,
  sli: ratioSli({ by: ["environment"], errors: [requests("5..")], total: [requests()] }),
  team: "backend",
  runbook: "api/availability-slo",
  description: "The API answers more 5xx than its 99.9% availability objective allows.",
  tests: [
    {
      name: "10% errors burn the budget 100x: both page windows fire",
      input: [
        series("http_server_requests_total", { ...prod, status: "503", route: "/jobs" }, "0+10x300"),
        series("http_server_requests_total", { ...prod, status: "200", route: "/jobs" }, "0+90x300"),
      ],
      at: "40m",
      fires: [
        { window: "1h", labels: { environment: "production" } },
        { window: "6h", labels: { environment: "production" } },
      ],
    },
  ],
});

export const api: RuleFile = {
  name: "api",
  groups: [group("api", [apiHighErrorRate, apiLatencyHigh]), group("api-slo", sloRules(apiAvailability))],
};
