/**
 * Rewrites of panel PromQL, on the offsets the shared PromQL reader reports: every selector
 * filtered by the dashboard's variables, and range windows replaced.
 */
import { resolveSeries, syntheticSeries, targetLabels } from "../core/catalog/metrics.ts";
import { analyzePromql } from "../core/catalog/promql.ts";

/** A dashboard variable named after the label it filters: `pod=~"$pod"`. */
export const LabelVariable = {
  Environment: "environment",
  Namespace: "namespace",
  Pod: "pod",
  GpuId: "gpu_id",
} as const;
export type LabelVariable = (typeof LabelVariable)[keyof typeof LabelVariable];

/** The labels a series carries: the scrape's target labels and, for catalog metrics, its own. */
export function labelsOfSeries(series: string): readonly string[] {
  if ((syntheticSeries as readonly string[]).includes(series)) return targetLabels;
  const resolved = resolveSeries(series);
  return resolved ? [...targetLabels, ...resolved.definition.labels] : [];
}

/** The variables that apply to a series: those whose label it carries. */
export function variablesFor(series: string, variables: readonly LabelVariable[]): LabelVariable[] {
  const labels = labelsOfSeries(series);
  return variables.filter((v) => labels.includes(v));
}

type Edit = { readonly from: number; readonly to: number; readonly text: string };

function applyEdits(expr: string, edits: readonly Edit[]): string {
  let out = expr;
  for (const e of [...edits].sort((a, b) => b.from - a.from))
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out;
}

/**
 * The expression with each `[$__rate_interval]`-style window made a duration of the same
 * length, so the parser reads it and its offsets hold for the original text.
 */
function parseable(expr: string): string {
  return expr.replace(/\[\$\w+\]/g, (range) => `[${"0".repeat(range.length - 3)}s]`);
}

/** Each selector of a panel query (Grafana variables allowed), with its text. */
export function selectorsOf(expr: string): { readonly name: string; readonly text: string }[] {
  return analyzePromql(parseable(expr)).selectors.map((s) => ({
    name: s.name,
    text: expr.slice(s.from, s.to),
  }));
}

/**
 * Adds `label=~"$label"` to every selector for each variable whose label the series
 * carries. A label the selector already pins (`environment="staging"`) is filtered too: both
 * matchers apply.
 */
export function scopeQuery(expr: string, variables: readonly LabelVariable[]): string {
  const analysis = analyzePromql(parseable(expr));
  if (analysis.syntaxErrorAt !== undefined) {
    throw new RangeError(`panel query does not parse near offset ${analysis.syntaxErrorAt}: ${expr}`);
  }
  const edits = analysis.selectors.flatMap((s): Edit[] => {
    const matchers = variablesFor(s.name, variables).map((v) => `${v}=~"$${v}"`);
    if (matchers.length === 0) return [];
    const text = expr.slice(s.from, s.to);
    if (!text.endsWith("}")) return [{ from: s.to, to: s.to, text: `{${matchers.join(", ")}}` }];
    const empty = /\{\s*\}$/.test(text);
    return [{ from: s.to - 1, to: s.to - 1, text: `${empty ? "" : ", "}${matchers.join(", ")}` }];
  });
  return applyEdits(expr, edits);
}

/** The expression with every range window replaced: `rate(x[3d])` → `rate(x[30d])`. */
export function withRange(expr: string, window: string): string {
  return applyEdits(
    expr,
    analyzePromql(parseable(expr)).ranges.map((r) => ({ ...r, text: window })),
  );
}
