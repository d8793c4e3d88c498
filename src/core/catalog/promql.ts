import { parser } from "@prometheus-io/lezer-promql";

export interface PromqlSelector {
  /** The series name, from the identifier or an `__name__="…"` matcher. */
  readonly name: string;
  readonly from: number;
  readonly to: number;
  /** Label names used in the selector's matchers. */
  readonly matcherLabels: readonly string[];
}

export interface PromqlAnalysis {
  readonly selectors: readonly PromqlSelector[];
  /** Label names in by()/without()/on()/ignoring() clauses. */
  readonly groupingLabels: readonly string[];
  /** Offset of the first syntax error, if the expression does not parse. */
  readonly syntaxErrorAt?: number;
}

/** The value of a PromQL string literal: "…", '…' or `…` (raw). */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith("`") ? body : body.replace(/\\(.)/g, "$1");
}

/**
 * Reads a PromQL expression with Prometheus's own grammar (@prometheus-io/lezer-promql)
 * and returns what it selects. Grafana template variables (`$__rate_interval`, `$job`)
 * must be substituted before calling this.
 */
export function analyzePromql(expr: string): PromqlAnalysis {
  const selectors: PromqlSelector[] = [];
  const groupingLabels: string[] = [];
  let syntaxErrorAt: number | undefined;
  const tree = parser.parse(expr);
  tree.iterate({
    enter(node) {
      if (node.type.isError && syntaxErrorAt === undefined) syntaxErrorAt = node.from;
      if (node.name === "GroupingLabels") {
        for (let c = node.node.firstChild; c; c = c.nextSibling) {
          if (c.name === "LabelName") groupingLabels.push(expr.slice(c.from, c.to));
        }
      }
      if (node.name !== "VectorSelector") return;
      let name: string | undefined;
      const matcherLabels: string[] = [];
      const ident = node.node.getChild("Identifier");
      if (ident) name = expr.slice(ident.from, ident.to);
      const matchers = node.node.getChild("LabelMatchers");
      for (let m = matchers?.firstChild; m; m = m.nextSibling) {
        const label = m.getChild("LabelName");
        if (!label) continue;
        const labelName = expr.slice(label.from, label.to);
        const value = m.getChild("StringLiteral");
        if (labelName === "__name__" && value && m.getChild("MatchOp")?.getChild("EqlSingle")) {
          name = unquote(expr.slice(value.from, value.to));
        } else {
          matcherLabels.push(labelName);
        }
      }
      if (name !== undefined) selectors.push({ name, from: node.from, to: node.to, matcherLabels });
    },
  });
  return syntaxErrorAt === undefined
    ? { selectors, groupingLabels }
    : { selectors, groupingLabels, syntaxErrorAt };
}
