import { describe, expect, test } from "bun:test";
import { Duration } from "../core/duration.ts";
import { metric, re } from "./expr.ts";
import type { AlertRule } from "./rules.ts";
import { latencySli, ratioSli, slo } from "./slo.ts";

const availability = slo({
  name: "api_availability",
  alert: "ApiBudgetBurn",
  objective: 0.999,
  sli: ratioSli({
    by: ["namespace"],
    errors: [metric("http_server_requests_total", { status: re("5..") })],
    total: [metric("http_server_requests_total")],
  }),
  team: "backend",
  runbook: "slo",
  description: "d",
  severities: { "3d": "info" },
  tests: [],
});

describe("multi-window, multi-burn-rate SLO", () => {
  test("one level:metric:operations recording per window", () => {
    expect(availability.recordings.map((r) => r.name)).toEqual(
      ["5m", "1h", "30m", "6h", "2h", "1d", "3d"].map(
        (w) => `namespace:slo_api_availability_errors:ratio_rate${w}`,
      ),
    );
    expect(availability.recordings[0]?.expr.text).toBe(
      'sum by (namespace) (rate(http_server_requests_total{status=~"5.."}[5m])) / sum by (namespace) (rate(http_server_requests_total[5m]))',
    );
  });

  test("one alert per window pair, labelled with its window, burn factor times the budget", () => {
    const alerts = availability.alerts as AlertRule[];
    expect(alerts.map((a) => [a.labels.window, a.labels.severity, a.labels.tier])).toEqual([
      ["1h", "critical", "page"],
      ["6h", "critical", "page"],
      ["1d", "warning", "ticket"],
      ["3d", "info", "ticket"],
    ]);
    expect(alerts[0]?.expr.text).toBe(
      "(namespace:slo_api_availability_errors:ratio_rate1h > 0.0144) and (namespace:slo_api_availability_errors:ratio_rate5m > 0.0144)",
    );
    expect(alerts[3]?.expr.text).toContain("ratio_rate3d > 0.001) and");
  });

  test("a latency SLI counts requests slower than a bucket bound", () => {
    const sli = latencySli({
      histogram: "http_server_request_duration_seconds",
      threshold: 0.5,
      by: ["namespace"],
    });
    expect(sli.errorRatio(Duration.parse("5m")).text).toBe(
      '(sum by (namespace) (rate(http_server_request_duration_seconds_count[5m])) - sum by (namespace) (rate(http_server_request_duration_seconds_bucket{le="0.5"}[5m]))) / sum by (namespace) (rate(http_server_request_duration_seconds_count[5m]))',
    );
  });

  test("a latency threshold that is not a bucket is refused at run time too", () => {
    expect(() =>
      latencySli({ histogram: "db_query_duration_seconds", threshold: 0.3 as 0.25, by: ["namespace"] }),
    ).toThrow("0.3s is not a bucket of db_query_duration_seconds");
  });

  test("an SLI grouped by a label one of its series lacks is refused", () => {
    expect(() =>
      ratioSli({
        by: ["gpu_id"],
        errors: [metric("http_server_requests_total")],
        total: [metric("http_server_requests_total")],
      }),
    ).toThrow("has no label gpu_id");
  });
});
