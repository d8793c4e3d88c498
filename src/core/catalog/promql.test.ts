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
