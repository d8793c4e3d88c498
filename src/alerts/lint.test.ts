import { describe, expect, test } from "bun:test";
import { InputError } from "../core/errors.ts";
import type { Finding } from "../core/finding.ts";
import { definitionWith, testReceiver } from "../testing/alerts/definition.ts";
import { absent, metric, rate, raw, sum, up, vector } from "./expr.ts";
import { lint } from "./lint.ts";
import { receiver, rootRoute, route } from "./routes.ts";
import { type AlertSpec, alert, record } from "./rules.ts";

const base = {
  severity: "warning",
  team: "platform",
  summary: "s",
  description: "d",
  runbook: "r",
  for: "5m",
  tests: [{ name: "t", input: [], at: "1m", fires: [] }],
} as const;

function rulesOf(findings: readonly Finding[]): string[] {
  return findings.map((f) => f.rule).sort();
}

function lintOne<L extends string>(spec: Partial<AlertSpec<L>> & Pick<AlertSpec<L>, "expr">): Finding[] {
  return lint(definitionWith([alert({ name: "A", ...base, ...spec } as AlertSpec<L>)]));
}

describe("lint", () => {
  test("a clean rule has no findings", () => {
    expect(
      lintOne({
        expr: sum(rate(metric("http_server_requests_total").over("5m")), { by: ["environment"] }).gt(1),
      }),
    ).toEqual([]);
  });

  test("rate range shorter than 4x the scrape interval", () => {
    const f = lintOne({ expr: rate(metric("http_server_requests_total").over("30s")).gt(1) });
    expect(rulesOf(f)).toEqual(["rate-range"]);
    expect(f[0]?.message).toContain("30s is shorter than 4x the scrape interval (15s)");
  });

  test("instant comparison without for", () => {
    const { for: _, ...noFor } = base;
    const f = lint(definitionWith([alert({ name: "A", ...noFor, expr: up().eq(0) })]));
    expect(rulesOf(f)).toEqual(["alert-for"]);
  });

  test("absent() with a for shorter than 2x the scrape interval", () => {
    const x = up({ job: "x", environment: "production" });
    expect(rulesOf(lintOne({ expr: absent(x), for: "15s" }))).toEqual(["absent-for"]);
    expect(lintOne({ expr: absent(x), for: "30s" })).toEqual([]);
  });

  test("an alert expression with no comparison", () => {
    expect(rulesOf(lintOne({ expr: up() }))).toEqual(["alert-comparison"]);
  });

  test("high-cardinality labels in by() and in static labels", () => {
    const f = lintOne({
      expr: raw("sum by (environment, user_id) (rate(http_server_requests_total[5m])) > 1", ["environment"]),
      labels: { session_id: "x" },
    });
    expect(rulesOf(f)).toEqual(["high-cardinality", "high-cardinality"]);
  });

  test("templates: unsupported actions and labels the expression drops", () => {
    const f = lintOne({
      expr: sum(up(), { by: ["environment", "job"] }).eq(0),
      summary: "{{ $labels.pod }} down",
      description: "{{ if $value }}x{{ end }}",
    });
    expect(f.map((x) => x.message)).toEqual([
      "A: summary uses $labels.pod, which the expression does not keep",
      "A: description: unsupported template action {{ if $value }}",
    ]);
  });

  test("duplicates, unused recordings and metrics outside the catalog", () => {
    const r = record(
      "job:unused:rate5m",
      sum(rate(metric("http_server_requests_total").over("5m")), { by: ["job"] }),
    );
    const a = alert({ name: "A", ...base, expr: raw("overflying_gpu_temp > 90", ["environment"]) });
    const f = lint(definitionWith([r, a, a]));
    expect(rulesOf(f)).toEqual(["duplicate", "metric-unknown", "metric-unknown", "record-unused"]);
    expect(f.find((x) => x.rule === "metric-unknown")?.location?.file).toBe(import.meta.path);
  });

  test("an alert without a unit test", () => {
    expect(rulesOf(lintOne({ expr: up().eq(0), tests: [] }))).toEqual(["alert-test"]);
  });

  test("GIVEN raw PromQL that does not parse THEN InputError names the raw() call's file:line", async () => {
    const bad = raw("sum(rate(http_server_requests_total[5m]) > ");
    const line =
      (await Bun.file(import.meta.path).text()).split("\n").findIndex((l) => l.includes("const bad = raw(")) +
      1;
    let error: unknown;
    try {
      lintOne({ expr: bad });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).location).toMatchObject({ file: import.meta.path, line });
    expect((error as InputError).message).toContain("does not parse");
  });

  test("GIVEN an alert routed to a receiver with no integration THEN an error names the route path", () => {
    const blackhole = receiver("blackhole");
    const tree = rootRoute({
      receiver: testReceiver,
      routes: [route({ matchers: { team: "platform" }, receiver: blackhole })],
    });
    const f = lint(definitionWith([alert({ name: "A", ...base, expr: up().eq(0) })], tree));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: "error", rule: "alert-unrouted" });
    expect(f[0]?.message).toBe(
      'A in production reaches no receiver: route.routes[0] {team="platform"} → blackhole has no integration',
    );
  });

  test("GIVEN an aggregation that drops the environment label THEN an environment-label error", () => {
    const f = lintOne({ expr: sum(rate(metric("http_server_requests_total").over("5m"))).gt(1) });
    expect(rulesOf(f)).toEqual(["environment-label"]);
    expect(f[0]?.message).toBe(
      "A: the alert would reach Alertmanager without the environment label, which routing and the receiver need",
    );
    expect(rulesOf(lintOne({ expr: absent(up({ job: "x" })) }))).toEqual(["environment-label"]);
    expect(rulesOf(lintOne({ expr: raw("sum(up) > 1") }))).toEqual(["environment-label"]);
  });

  test("GIVEN the label set statically, or a constant Watchdog expression THEN no finding", () => {
    expect(lintOne({ expr: absent(up({ job: "x" })), labels: { environment: "staging" } })).toEqual([]);
    const { for: _, ...noFor } = base;
    const watchdog = alert({ name: "W", ...noFor, expr: vector(1), labels: { environment: "staging" } });
    expect(lint(definitionWith([watchdog]))).toEqual([]);
  });
});
