import { analyzePromql, type PromqlAnalysis } from "../core/catalog/promql.ts";
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

function rateWindows(expr: string, calls: PromqlAnalysis["calls"]): PromqlFacts["rateWindows"] {
  return calls.flatMap(({ fn, range }) => {
    if (!range || !rateFunctions.has(fn)) return [];
    try {
      return [{ fn, window: Duration.parse(expr.slice(range.from, range.to)) }];
    } catch {
      // A computed range (duration arithmetic) has no fixed window to check.
      return [];
    }
  });
}

/** The facts lint needs, from the one PromQL walk. */
export function promqlFacts(expr: string): PromqlFacts {
  const a = analyzePromql(expr);
  const facts = {
    seriesNames: a.seriesNames,
    aggregationLabels: a.aggregationLabels,
    rateWindows: rateWindows(expr, a.calls),
    hasComparison: a.filters,
    usesAbsent: a.calls.some((c) => c.fn === "absent" || c.fn === "absent_over_time"),
    hasRange: a.readsRange,
  };
  return a.syntaxErrorAt === undefined ? facts : { ...facts, syntaxErrorAt: a.syntaxErrorAt };
}
