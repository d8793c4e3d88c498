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
  EqlC: ["==", "=="],
  Neq: ["!=", "!="],
} as const;

export interface PromqlAnalysis {
  readonly selectors: readonly PromqlSelector[];
  /** Offsets of every range duration (`5m` in `x[5m]`). */
  readonly ranges: readonly { readonly from: number; readonly to: number }[];
  /** Comparisons of an expression with a number literal. */
  readonly comparisons: readonly PromqlComparison[];
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
  const ranges: { from: number; to: number }[] = [];
  const comparisons: PromqlComparison[] = [];
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
      if (node.name === "MatrixSelector") {
        const range = node.node.getChild("DurationExpr");
        if (range) ranges.push({ from: range.from, to: range.to });
      }
      if (node.name === "BinaryExpr") {
        const comparison = numberComparison(node.node, expr);
        if (comparison) comparisons.push(comparison);
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
  const found = { selectors, groupingLabels, ranges, comparisons };
  return syntaxErrorAt === undefined ? found : { ...found, syntaxErrorAt };
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
