import { parser } from "@prometheus-io/lezer-promql";
import { unquote } from "../core/catalog/promql.ts";
import { Duration } from "../core/duration.ts";

/** What lint needs to know about one PromQL expression, read in a single parse. */
export interface PromqlFacts {
  /** Offset of the first syntax error, if it does not parse. */
  readonly syntaxErrorAt?: number;
  readonly seriesNames: readonly string[];
  /** Labels in by()/without() clauses. */
  readonly aggregationLabels: readonly string[];
  /** Range windows read by counter and gauge rate functions, with the function's name. */
  readonly rateWindows: readonly { readonly fn: string; readonly window: Duration }[];
  readonly hasComparison: boolean;
  readonly usesAbsent: boolean;
  /** Whether anything reads a range (`x[5m]` or a subquery), which smooths single samples. */
  readonly hasRange: boolean;
}

export const emptyFacts: PromqlFacts = {
  seriesNames: [],
  aggregationLabels: [],
  rateWindows: [],
  hasComparison: false,
  usesAbsent: false,
  hasRange: false,
};

function concat<T>(a: readonly T[], b: readonly T[] | undefined, c: readonly T[] | undefined): readonly T[] {
  if (!b?.length && !c?.length) return a;
  return [...a, ...(b ?? []), ...(c ?? [])];
}

/** The facts of an expression built from parts with these facts. */
export function mergeFacts(
  a: PromqlFacts,
  b: Partial<PromqlFacts>,
  c: Partial<PromqlFacts> = {},
): PromqlFacts {
  return {
    seriesNames: concat(a.seriesNames, b.seriesNames, c.seriesNames),
    aggregationLabels: concat(a.aggregationLabels, b.aggregationLabels, c.aggregationLabels),
    rateWindows: concat(a.rateWindows, b.rateWindows, c.rateWindows),
    hasComparison: a.hasComparison || b.hasComparison === true || c.hasComparison === true,
    usesAbsent: a.usesAbsent || b.usesAbsent === true || c.usesAbsent === true,
    hasRange: a.hasRange || b.hasRange === true || c.hasRange === true,
  };
}

const rateFunctions = new Set(["rate", "irate", "increase", "deriv", "delta", "idelta"]);
const comparisons = new Set(["Eql", "Neq", "Gtr", "Gte", "Lss", "Lte"]);

export function promqlFacts(expr: string): PromqlFacts {
  const seriesNames: string[] = [];
  const aggregationLabels: string[] = [];
  const rateWindows: { fn: string; window: Duration }[] = [];
  let hasComparison = false;
  let usesAbsent = false;
  let hasRange = false;
  let syntaxErrorAt: number | undefined;
  parser.parse(expr).iterate({
    enter(node) {
      const name = node.name;
      if (node.type.isError) {
        syntaxErrorAt ??= node.from;
        return;
      }
      if (comparisons.has(name)) {
        // `x > bool 1` yields 0/1 for every series: it filters nothing.
        const bool = node.node.parent?.getChild("BoolModifier");
        if (!bool) hasComparison = true;
      } else if (name === "MatrixSelector" || name === "SubqueryExpr") {
        hasRange = true;
      } else if (name === "AggregateModifier") {
        for (let c = node.node.getChild("GroupingLabels")?.firstChild; c; c = c.nextSibling) {
          if (c.name === "LabelName") aggregationLabels.push(expr.slice(c.from, c.to));
        }
      } else if (name === "VectorSelector") {
        const ident = node.node.getChild("Identifier");
        if (ident) seriesNames.push(expr.slice(ident.from, ident.to));
        for (let m = node.node.getChild("LabelMatchers")?.firstChild; m; m = m.nextSibling) {
          const label = m.getChild("LabelName");
          const value = m.getChild("StringLiteral");
          if (label && value && expr.slice(label.from, label.to) === "__name__") {
            seriesNames.push(unquote(expr.slice(value.from, value.to)));
          }
        }
      } else if (name === "FunctionCall") {
        const ident = node.node.getChild("FunctionIdentifier");
        const fn = ident ? expr.slice(ident.from, ident.to) : "";
        if (fn === "absent" || fn === "absent_over_time") usesAbsent = true;
        if (!rateFunctions.has(fn)) return;
        const range = node.node
          .getChild("FunctionCallBody")
          ?.getChild("MatrixSelector")
          ?.getChild("DurationExpr");
        if (!range) return;
        try {
          rateWindows.push({ fn, window: Duration.parse(expr.slice(range.from, range.to)) });
        } catch {
          // A computed range (duration arithmetic) has no fixed window to check.
        }
      }
    },
  });
  const facts = { seriesNames, aggregationLabels, rateWindows, hasComparison, usesAbsent, hasRange };
  return syntaxErrorAt === undefined ? facts : { ...facts, syntaxErrorAt };
}
