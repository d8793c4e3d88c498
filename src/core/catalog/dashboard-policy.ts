/**
 * The validate policy for dashboard queries: which of the series and labels a query reads
 * (dashboard-queries.ts) are findings against the metric catalog.
 */
import { distance } from "fastest-levenshtein";
import { InputError } from "../errors.ts";
import { type Finding, Severity } from "../finding.ts";
import { positionAt, type SourceLocation } from "../location.ts";
import { dashboardQueries, isObject, readQuery } from "./dashboard-queries.ts";
import { jsonErrorOffset } from "./json-error-offset.ts";
import { highCardinalityLabels, metrics, resolveSeries, syntheticSeries, targetLabels } from "./metrics.ts";

export const DashboardRule = {
  Syntax: "dashboard-promql-syntax",
  UnknownMetric: "dashboard-unknown-metric",
  UnknownLabel: "dashboard-unknown-label",
  HighCardinality: "dashboard-high-cardinality-label",
  EnvironmentFilter: "dashboard-environment-filter",
} as const;
export type DashboardRule = (typeof DashboardRule)[keyof typeof DashboardRule];

/** Every series name a query may select: catalog metrics (histograms by their series) and `up`. */
const knownSeries: readonly string[] = [
  ...syntheticSeries,
  ...Object.entries(metrics).flatMap(([name, def]) =>
    def.type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
  ),
];

function closestSeries(name: string): string | undefined {
  let best: { series: string; distance: number } | undefined;
  for (const series of knownSeries) {
    const d = distance(name, series);
    if (!best || d < best.distance) best = { series, distance: d };
  }
  return best && best.distance <= Math.max(3, Math.floor(name.length / 4)) ? best.series : undefined;
}

/** Labels a selector of this series may match on; undefined when the series is unknown. */
function labelsOf(series: string): readonly string[] | undefined {
  if ((syntheticSeries as readonly string[]).includes(series)) return targetLabels;
  const resolved = resolveSeries(series);
  if (!resolved) return undefined;
  const bucket = resolved.definition.type === "histogram" && series.endsWith("_bucket");
  return [...targetLabels, ...resolved.definition.labels, ...(bucket ? ["le"] : [])];
}

const highCardinality: readonly string[] = highCardinalityLabels;

function labelFinding(label: string, allowed: readonly string[], where: string): Finding | undefined {
  if (highCardinality.includes(label)) {
    return {
      rule: DashboardRule.HighCardinality,
      severity: Severity.Error,
      message: `label "${label}" ${where} is high-cardinality and is dropped at scrape time`,
    };
  }
  if (allowed.includes(label)) return undefined;
  return {
    rule: DashboardRule.UnknownLabel,
    severity: Severity.Error,
    message: `label "${label}" ${where} is neither a target label nor a label of the metric`,
    hint: `allowed here: ${[...new Set(allowed)].sort().join(", ")}`,
  };
}

/**
 * Checks one PromQL expression (Grafana variables allowed) against the metric catalog:
 * it parses, every series is known, every label in matchers and by/without/on clauses
 * exists on what it selects, no high-cardinality label is used, and (when asked) every
 * selector filters by `environment`. The findings carry no location: the caller knows where
 * the expression is written.
 */
export function checkQuery(expr: string, options: { requireEnvironment: boolean }): Finding[] {
  const analysis = readQuery(expr);
  if (analysis.syntaxErrorAt !== undefined) {
    return [
      {
        rule: DashboardRule.Syntax,
        severity: Severity.Error,
        message: `PromQL does not parse near offset ${analysis.syntaxErrorAt}`,
      },
    ];
  }
  const findings: Finding[] = [];
  const groupable = new Set<string>(targetLabels);
  let everySeriesKnown = true;
  for (const selector of analysis.selectors) {
    const allowed = labelsOf(selector.name);
    if (!allowed) {
      const suggestion = closestSeries(selector.name);
      findings.push({
        rule: DashboardRule.UnknownMetric,
        severity: Severity.Error,
        message: `series "${selector.name}" is not in the metric catalog`,
        ...(suggestion ? { hint: `did you mean "${suggestion}"?` } : {}),
      });
      everySeriesKnown = false;
      continue;
    }
    for (const label of allowed) groupable.add(label);
    for (const label of selector.matcherLabels) {
      const finding = labelFinding(label, allowed, `in the matchers of "${selector.name}"`);
      if (finding) findings.push(finding);
    }
    if (options.requireEnvironment && !selector.matcherLabels.includes("environment")) {
      findings.push({
        rule: DashboardRule.EnvironmentFilter,
        severity: Severity.Warning,
        message: `"${selector.name}" is not filtered by environment`,
        hint: 'add environment="$environment" to its matchers',
      });
    }
  }
  // Grouping labels can only be judged once every series they group is known.
  for (const label of everySeriesKnown ? new Set(analysis.groupingLabels) : []) {
    const finding = labelFinding(label, [...groupable], "in a by/without/on clause");
    if (finding) findings.push(finding);
  }
  return findings;
}

/** Line and column of a query's string value in the JSON text, searched in document order. */
function locator(text: string, file: string): (written: string) => SourceLocation {
  let cursor = 0;
  return (written) => {
    const literal = JSON.stringify(written);
    let at = text.indexOf(literal, cursor);
    if (at < 0) at = text.indexOf(literal);
    if (at < 0) return { file };
    cursor = at + literal.length;
    return { file, ...positionAt(text, at) };
  };
}

/**
 * Parses a dashboard JSON file and checks every query in it. Returns findings located
 * at the query's line; throws InputError when the file is not a JSON object.
 */
export function checkDashboard(text: string, file: string): Finding[] {
  let dashboard: unknown;
  try {
    dashboard = JSON.parse(text);
  } catch (error) {
    const where = { file, ...positionAt(text, jsonErrorOffset(text)) };
    throw new InputError(`dashboard is not valid JSON: ${(error as Error).message}`, where);
  }
  if (!isObject(dashboard)) throw new InputError("a dashboard must be a JSON object", { file });
  const locate = locator(text, file);
  return dashboardQueries(dashboard).flatMap((query) => {
    const location = locate(query.written);
    return checkQuery(query.expr, { requireEnvironment: query.kind === "panel" }).map((f) => ({
      severity: f.severity,
      rule: f.rule,
      message: `${query.owner} (${query.path}): ${f.message}`,
      location,
      ...(f.hint ? { hint: f.hint } : {}),
    }));
  });
}
