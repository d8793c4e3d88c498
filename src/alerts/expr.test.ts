import { describe, expect, test } from "bun:test";
import { analyzePromql } from "../core/catalog/promql.ts";
import { repoAlerts } from "../testing/alerts/stack.ts";
import { allRules } from "./definition.ts";
import {
  absent,
  buckets,
  deriv,
  histogram_quantile,
  max,
  metric,
  not,
  rate,
  raw,
  re,
  sum,
  up,
} from "./expr.ts";
import { type PromqlFacts, promqlFacts } from "./promql-facts.ts";

const defaults = repoAlerts();

describe("the DSL emits PromQL", () => {
  test("a ratio of counter rates", () => {
    const expr = sum(rate(metric("http_server_requests_total", { status: re("5..") }).over("5m")), {
      by: ["namespace"],
    })
      .div(sum(rate(metric("http_server_requests_total").over("5m")), { by: ["namespace"] }))
      .gt(0.05);
    expect(expr.text).toBe(
      '(sum by (namespace) (rate(http_server_requests_total{status=~"5.."}[5m])) / sum by (namespace) (rate(http_server_requests_total[5m]))) > 0.05',
    );
    expect(expr.labels).toEqual(["namespace"]);
  });

  test("a quantile keeps the grouping labels but le", () => {
    const expr = histogram_quantile(
      0.95,
      sum(rate(buckets("http_server_request_duration_seconds").over("5m")), { by: ["route", "le"] }),
    );
    expect(expr.text).toBe(
      "histogram_quantile(0.95, sum by (route, le) (rate(http_server_request_duration_seconds_bucket[5m])))",
    );
    expect(expr.labels).toEqual(["route"]);
  });

  test("binary operands are parenthesised so precedence holds", () => {
    const a = metric("overflying_worker_jobs_in_progress").add(1);
    expect(a.mul(2).text).toBe("(overflying_worker_jobs_in_progress + 1) * 2");
    expect(a.gt(up().eq(0), { on: ["pod"] }).text).toBe(
      "(overflying_worker_jobs_in_progress + 1) > on(pod) (up == 0)",
    );
  });

  test("matchers, gauges and absent", () => {
    expect(deriv(metric("overflying_jobs_by_status", { status: not("done") }).over("1h30m")).text).toBe(
      'deriv(overflying_jobs_by_status{status!="done"}[1h30m])',
    );
    expect(absent(up({ service: "worker" })).text).toBe('absent(up{service="worker"})');
    expect(absent(up({ service: "worker", job: re("w.*") })).labels).toEqual(["service"]);
    expect(
      max(metric("overflying_worker_gpu_temperature_celsius"), { without: ["gpu_id"] }).labels,
    ).not.toContain("gpu_id");
  });

  test("raw() records where it was written", async () => {
    const r = raw("up == 0");
    const source = await Bun.file(import.meta.path).text();
    const line = source.split("\n").findIndex((l) => l.includes('raw("up == 0")')) + 1;
    expect(r.origin).toMatchObject({ file: import.meta.path, line });
  });

  test("a quantile outside 0..1 is refused", () => {
    expect(() => histogram_quantile(1.5, rate(buckets("db_query_duration_seconds").over("5m")))).toThrow(
      /0..1/,
    );
  });
});

describe("every default rule", () => {
  for (const { rule } of allRules(defaults)) {
    test(`${rule.name} re-parses with Prometheus's grammar and selects only catalog series`, () => {
      const analysis = analyzePromql(rule.expr.text);
      expect(analysis.syntaxErrorAt).toBeUndefined();
      // Only the Watchdog's vector(1) selects nothing: it fires by design.
      if (rule.name !== "Watchdog") expect(analysis.selectors.length).toBeGreaterThan(0);
    });
  }
});

describe("facts gathered while building", () => {
  const sorted = (f: PromqlFacts) => ({
    ...f,
    seriesNames: [...f.seriesNames].sort(),
    aggregationLabels: [...f.aggregationLabels].sort(),
    rateWindows: f.rateWindows.map((w) => `${w.fn}[${w.window}]`).sort(),
  });
  for (const { rule } of allRules(defaults)) {
    test(`${rule.name}: equal what a parse of its PromQL finds`, () => {
      expect(sorted(rule.expr.facts)).toEqual(sorted(promqlFacts(rule.expr.text)));
    });
  }
});
