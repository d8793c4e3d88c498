import { parser } from "@prometheus-io/lezer-promql";

type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

export interface PromqlSelector {
  /** The series name, from the identifier or an `__name__="…"` matcher. */
  readonly name: string;
  readonly from: number;
  readonly to: number;
  /** Label names used in the selector's matchers. */
  readonly matcherLabels: readonly string[];
}

/** A comparison of an expression with a number, as written: `subject > 90`. */
export interface PromqlComparison {
  /** The operator with the number on the right (`90 < x` reads as `x > 90`). */
  readonly op: ">" | ">=" | "<" | "<=" | "==" | "!=";
  readonly value: number;
  /** Offsets of the compared expression. */
  readonly subject: { readonly from: number; readonly to: number };
}

/** Comparison operators by node name, and their mirror for a number on the left. */
const comparisonNodes = {
  Gtr: [">", "<"],
  Gte: [">=", "<="],
  Lss: ["<", ">"],
  Lte: ["<=", ">="],
  Eql: ["==", "=="],
  Neq: ["!=", "!="],
} as const;

/** A function call, with the range its argument reads when that argument is `x[5m]`. */
export interface PromqlCall {
  readonly fn: string;
  /** Offsets of the duration in the call's range-vector argument (`5m` in `rate(x[5m])`). */
  readonly range?: { readonly from: number; readonly to: number };
}

export interface PromqlAnalysis {
  readonly selectors: readonly PromqlSelector[];
  /**
   * Every series name written in a selector, in order: identifiers and the values of
   * `__name__` matchers of any kind (`{__name__=~"x"}` names `x`).
   */
  readonly seriesNames: readonly string[];
  /** Offsets of every range duration (`5m` in `x[5m]`). */
  readonly ranges: readonly { readonly from: number; readonly to: number }[];
  /** Whether anything reads a range (`x[5m]` or a subquery), which smooths single samples. */
  readonly readsRange: boolean;
  /** Comparisons of an expression with a number literal. */
  readonly comparisons: readonly PromqlComparison[];
  /** Whether a comparison filters series (any comparison without `bool`, which keeps them all). */
  readonly filters: boolean;
  /** Label names in by()/without()/on()/ignoring() clauses. */
  readonly groupingLabels: readonly string[];
  /** Label names in the by()/without() clauses of aggregations only. */
  readonly aggregationLabels: readonly string[];
  readonly calls: readonly PromqlCall[];
  /** Offset of the first syntax error, if the expression does not parse. */
  readonly syntaxErrorAt?: number;
}

/** The value of a PromQL string literal: "…", '…' or `…` (raw). */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  return literal.startsWith("`") ? body : body.replace(/\\(.)/g, "$1");
}

function labelNames(grouping: SyntaxNode | null, expr: string, out: string[]): void {
  for (let c = grouping?.firstChild; c; c = c.nextSibling) {
    if (c.name === "LabelName") out.push(expr.slice(c.from, c.to));
  }
}

/**
 * Reads a PromQL expression with Prometheus's own grammar (@prometheus-io/lezer-promql)
 * in one walk and returns what it selects, groups, compares and calls: the one reading of
 * PromQL that alert lint, dashboard checks and dashboard generation share. Grafana template
 * variables (`$__rate_interval`, `$job`) must be substituted before calling this.
 */
export function analyzePromql(expr: string): PromqlAnalysis {
  const selectors: PromqlSelector[] = [];
  const seriesNames: string[] = [];
  const groupingLabels: string[] = [];
  const aggregationLabels: string[] = [];
  const ranges: { from: number; to: number }[] = [];
  const comparisons: PromqlComparison[] = [];
  const calls: PromqlCall[] = [];
  let readsRange = false;
  let filters = false;
  let syntaxErrorAt: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      if (node.type.isError) {
        syntaxErrorAt ??= node.from;
        return;
      }
      switch (node.name) {
        case "GroupingLabels":
          labelNames(node.node, expr, groupingLabels);
          return;
        case "AggregateModifier":
          labelNames(node.node.getChild("GroupingLabels"), expr, aggregationLabels);
          return;
        case "SubqueryExpr":
          readsRange = true;
          return;
        case "MatrixSelector": {
          readsRange = true;
          const range = node.node.getChild("DurationExpr");
          if (range) ranges.push({ from: range.from, to: range.to });
          return;
        }
        case "BinaryExpr": {
          const op = node.node.firstChild?.nextSibling;
          if (!op || !Object.hasOwn(comparisonNodes, op.name)) return;
          // `x > bool 1` yields 0/1 for every series: it filters nothing.
          if (!node.node.getChild("BoolModifier")) filters = true;
          const comparison = numberComparison(node.node, expr);
          if (comparison) comparisons.push(comparison);
          return;
        }
        case "FunctionCall": {
          const ident = node.node.getChild("FunctionIdentifier");
          const fn = ident ? expr.slice(ident.from, ident.to) : "";
          const range = node.node
            .getChild("FunctionCallBody")
            ?.getChild("MatrixSelector")
            ?.getChild("DurationExpr");
          calls.push(range ? { fn, range: { from: range.from, to: range.to } } : { fn });
          return;
        }
        case "VectorSelector":
          selector(node.node, expr, selectors, seriesNames);
          return;
      }
    },
  });
  const found = {
    selectors,
    seriesNames,
    ranges,
    readsRange,
    comparisons,
    filters,
    groupingLabels,
    aggregationLabels,
    calls,
  };
  return syntaxErrorAt === undefined ? found : { ...found, syntaxErrorAt };
}

function selector(node: SyntaxNode, expr: string, selectors: PromqlSelector[], seriesNames: string[]): void {
  let name: string | undefined;
  const matcherLabels: string[] = [];
  const ident = node.getChild("Identifier");
  if (ident) {
    name = expr.slice(ident.from, ident.to);
    seriesNames.push(name);
  }
  for (let m = node.getChild("LabelMatchers")?.firstChild; m; m = m.nextSibling) {
    const label = m.getChild("LabelName");
    if (!label) continue;
    const labelName = expr.slice(label.from, label.to);
    const value = m.getChild("StringLiteral");
    if (labelName === "__name__" && value) {
      const written = unquote(expr.slice(value.from, value.to));
      seriesNames.push(written);
      if (m.getChild("MatchOp")?.getChild("EqlSingle")) name = written;
      else matcherLabels.push(labelName);
    } else {
      matcherLabels.push(labelName);
    }
  }
  if (name !== undefined) selectors.push({ name, from: node.from, to: node.to, matcherLabels });
}

function numberComparison(binary: SyntaxNode, expr: string): PromqlComparison | undefined {
  const lhs = binary.firstChild;
  const opNode = lhs?.nextSibling;
  const rhs = binary.lastChild;
  if (!lhs || !opNode || !rhs || !Object.hasOwn(comparisonNodes, opNode.name)) return undefined;
  const [op, mirrored] = comparisonNodes[opNode.name as keyof typeof comparisonNodes];
  // The compared expression without the parentheses around it: `(a / b) > 1` compares `a / b`.
  const inner = (n: SyntaxNode): SyntaxNode =>
    n.name === "ParenExpr" && n.firstChild ? inner(n.firstChild) : n;
  const number = (n: SyntaxNode) =>
    n.name === "NumberDurationLiteral" ? Number(expr.slice(n.from, n.to)) : Number.NaN;
  const compared = (n: SyntaxNode) => ({ from: inner(n).from, to: inner(n).to });
  if (!Number.isNaN(number(rhs))) return { op, value: number(rhs), subject: compared(lhs) };
  if (!Number.isNaN(number(lhs))) return { op: mirrored, value: number(lhs), subject: compared(rhs) };
  return undefined;
}
