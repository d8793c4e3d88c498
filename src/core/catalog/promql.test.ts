import { describe, expect, test } from "bun:test";
import { analyzePromql } from "./promql.ts";

describe("analyzePromql", () => {
  test("finds selectors through functions, aggregations and __name__ matchers", () => {
    const a = analyzePromql(
      'histogram_quantile(0.95, sum by (le) (rate(x_bucket{job=~"a.*"}[5m]))) / on(pod) {__name__="y", pod!=""}',
    );
    expect(a.selectors.map((s) => s.name)).toEqual(["x_bucket", "y"]);
    expect(a.selectors[0]?.matcherLabels).toEqual(["job"]);
    expect(a.selectors[1]?.matcherLabels).toEqual(["pod"]);
    expect(a.groupingLabels).toEqual(["le", "pod"]);
    expect(a.syntaxErrorAt).toBeUndefined();
  });

  test("reports where a broken expression stops parsing", () => {
    const a = analyzePromql("sum(rate(x[5m])");
    expect(a.syntaxErrorAt).toBeNumber();
  });
});

describe("analyzePromql: comparisons and ranges", () => {
  test("finds each comparison with a number, the number on either side, and every range", () => {
    const expr = 'max by (pod) (t{a="b"}) > 90 and 0.5 >= sum(rate(x[5m])) unless (y / z) < 1';
    const a = analyzePromql(expr);
    expect(a.comparisons.map((c) => [expr.slice(c.subject.from, c.subject.to), c.op, c.value])).toEqual([
      ['max by (pod) (t{a="b"})', ">", 90],
      ["sum(rate(x[5m]))", "<=", 0.5],
      ["y / z", "<", 1],
    ]);
    expect(a.ranges.map((r) => expr.slice(r.from, r.to))).toEqual(["5m"]);
  });
});
