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

describe("analyzePromql: what lint reads", () => {
  test("names every series written, __name__ matchers of any kind included", () => {
    const a = analyzePromql('a + {__name__=~"b.*"} + c{__name__="d"}');
    expect(a.seriesNames).toEqual(["a", "b.*", "c", "d"]);
    expect(a.selectors.map((s) => s.name)).toEqual(["a", "d"]);
  });

  test("aggregation labels are the by/without ones; grouping labels add on/ignoring", () => {
    const a = analyzePromql("sum without (pod) (x) / on (job) sum by (job) (y)");
    expect(a.aggregationLabels).toEqual(["pod", "job"]);
    expect(a.groupingLabels).toEqual(["pod", "job", "job"]);
  });

  test("a comparison filters unless it is bool; a != matcher is no comparison", () => {
    expect(analyzePromql("x > 1").filters).toBe(true);
    expect(analyzePromql("x == 0").comparisons.map((c) => c.op)).toEqual(["=="]);
    expect(analyzePromql("x > bool 1").filters).toBe(false);
    expect(analyzePromql('x{pod!=""}').filters).toBe(false);
  });

  test("calls carry the range of their range-vector argument; subqueries read a range", () => {
    const expr = "rate(x[5m]) + absent(y) + max_over_time(z[1h:1m])";
    const a = analyzePromql(expr);
    expect(a.calls.map((c) => [c.fn, c.range && expr.slice(c.range.from, c.range.to)])).toEqual([
      ["rate", "5m"],
      ["absent", undefined],
      ["max_over_time", undefined],
    ]);
    expect(a.readsRange).toBe(true);
    expect(analyzePromql("absent(y)").readsRange).toBe(false);
  });
});
