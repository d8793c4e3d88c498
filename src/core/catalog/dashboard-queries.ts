import { InputError } from "../errors.ts";
import { type Finding, Severity } from "../finding.ts";
import { positionAt, type SourceLocation } from "../location.ts";
import { highCardinalityLabels, metrics, resolveSeries, syntheticSeries, targetLabels } from "./metrics.ts";
import { analyzePromql } from "./promql.ts";

export const DashboardRule = {
  Syntax: "dashboard-promql-syntax",
  UnknownMetric: "dashboard-unknown-metric",
  UnknownLabel: "dashboard-unknown-label",
  HighCardinality: "dashboard-high-cardinality-label",
  EnvironmentFilter: "dashboard-environment-filter",
} as const;
export type DashboardRule = (typeof DashboardRule)[keyof typeof DashboardRule];

/** One PromQL expression found in a dashboard, with where it sits in the JSON model. */
export interface DashboardQuery {
  readonly expr: string;
  /** The string as the JSON holds it (a variable's `label_values(…)`), to find its line. */
  readonly written: string;
  /** Field path in the dashboard JSON, e.g. `panels[3].panels[0].targets[1].expr`. */
  readonly path: string;
  /** The panel title or the templating variable name, for messages. */
  readonly owner: string;
  /** Panel queries must filter by environment; the variable that lists environments cannot. */
  readonly kind: "panel" | "variable";
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const arrayAt = (o: Json, key: string): unknown[] => (Array.isArray(o[key]) ? (o[key] as unknown[]) : []);

function panelQueries(panels: unknown[], prefix: string, out: DashboardQuery[]): void {
  panels.forEach((panel, i) => {
    if (!isObject(panel)) return;
    const at = `${prefix}[${i}]`;
    const owner = `panel "${typeof panel.title === "string" ? panel.title : at}"`;
    arrayAt(panel, "targets").forEach((target, t) => {
      if (isObject(target) && typeof target.expr === "string") {
        const path = `${at}.targets[${t}].expr`;
        out.push({ expr: target.expr, written: target.expr, path, owner, kind: "panel" });
      }
    });
    panelQueries(arrayAt(panel, "panels"), `${at}.panels`, out);
  });
}

/**
 * The PromQL behind a variable query: `label_values(selector, label)` reads the same
 * series and label as `count by (label) (selector)`; `query_result(expr)` runs `expr`.
 */
function variableExpr(query: string): string | undefined {
  const labelValues = /^\s*label_values\(\s*(.+),\s*(\w+)\s*\)\s*$/s.exec(query);
  if (labelValues) return `count by (${labelValues[2]}) (${labelValues[1]})`;
  return /^\s*query_result\((.+)\)\s*$/s.exec(query)?.[1];
}

/**
 * Every PromQL expression in a Grafana dashboard JSON model: panel targets (rows'
 * nested panels included) and the `label_values`/`query_result` templating queries.
 */
export function dashboardQueries(dashboard: unknown): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  if (!isObject(dashboard)) return out;
  panelQueries(arrayAt(dashboard, "panels"), "panels", out);
  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  arrayAt(templating, "list").forEach((variable, i) => {
    if (!isObject(variable) || variable.type !== "query") return;
    const raw = isObject(variable.query) ? variable.query.query : variable.query;
    if (typeof raw !== "string") return;
    const expr = variableExpr(raw);
    const owner = `variable "${typeof variable.name === "string" ? variable.name : i}"`;
    const path = `templating.list[${i}].query${isObject(variable.query) ? ".query" : ""}`;
    if (expr !== undefined) out.push({ expr, written: raw, path, owner, kind: "variable" });
  });
  return out;
}

/** Variables that stand for a range duration when written outside a string. */
const durationVariables = new Set(["__rate_interval", "__interval", "__range", "__auto"]);
const variablePattern = /\$\{(\w+)(?::[^}]*)?\}|\$(\w+)|\[\[(\w+)(?::[^\]]*)?\]\]/y;

/**
 * Replaces Grafana template variables with PromQL that parses the same way: inside a
 * string literal any word will do; outside, interval variables become a duration and
 * everything else a number (`topk($n, …)`, `> $threshold`).
 */
export function substituteGrafanaVariables(expr: string): string {
  let out = "";
  let quote: string | undefined;
  let i = 0;
  while (i < expr.length) {
    const ch = expr.charAt(i);
    if (quote !== undefined) {
      if (ch === "\\" && quote !== "`") {
        out += expr.slice(i, i + 2);
        i += 2;
        continue;
      }
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'" || ch === "`") {
      quote = ch;
    }
    variablePattern.lastIndex = i;
    const m = ch === "$" || ch === "[" ? variablePattern.exec(expr) : null;
    if (m) {
      const name = m[1] ?? m[2] ?? m[3] ?? "";
      out += quote !== undefined ? "grafana" : durationVariables.has(name) ? "5m" : "1";
      i += m[0].length;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** Every series name a query may select: catalog metrics (histograms by their series) and `up`. */
const knownSeries: readonly string[] = [
  ...syntheticSeries,
  ...Object.entries(metrics).flatMap(([name, def]) =>
    def.type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
  ),
];

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function closestSeries(name: string): string | undefined {
  let best: { series: string; distance: number } | undefined;
  for (const series of knownSeries) {
    const distance = editDistance(name, series);
    if (!best || distance < best.distance) best = { series, distance };
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

export interface QueryProblem {
  readonly rule: DashboardRule;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
}

const highCardinality: readonly string[] = highCardinalityLabels;

function labelProblem(label: string, allowed: readonly string[], where: string): QueryProblem | undefined {
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
 * selector filters by `environment`.
 */
export function checkQuery(expr: string, options: { requireEnvironment: boolean }): QueryProblem[] {
  const analysis = analyzePromql(substituteGrafanaVariables(expr));
  if (analysis.syntaxErrorAt !== undefined) {
    return [
      {
        rule: DashboardRule.Syntax,
        severity: Severity.Error,
        message: `PromQL does not parse near offset ${analysis.syntaxErrorAt}`,
      },
    ];
  }
  const problems: QueryProblem[] = [];
  const groupable = new Set<string>(targetLabels);
  let everySeriesKnown = true;
  for (const selector of analysis.selectors) {
    const allowed = labelsOf(selector.name);
    if (!allowed) {
      const suggestion = closestSeries(selector.name);
      problems.push({
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
      const problem = labelProblem(label, allowed, `in the matchers of "${selector.name}"`);
      if (problem) problems.push(problem);
    }
    if (options.requireEnvironment && !selector.matcherLabels.includes("environment")) {
      problems.push({
        rule: DashboardRule.EnvironmentFilter,
        severity: Severity.Warning,
        message: `"${selector.name}" is not filtered by environment`,
        hint: 'add environment="$environment" to its matchers',
      });
    }
  }
  // Grouping labels can only be judged once every series they group is known.
  for (const label of everySeriesKnown ? new Set(analysis.groupingLabels) : []) {
    const problem = labelProblem(label, [...groupable], "in a by/without/on clause");
    if (problem) problems.push(problem);
  }
  return problems;
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
 * Offset of the first JSON syntax error, found by a strict recursive-descent scan:
 * Bun's JSON.parse reports no position.
 */
function jsonErrorOffset(text: string): number {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const skipSpace = () => {
    while (" \t\n\r".includes(text.charAt(i)) && i < text.length) i++;
  };
  const expect = (token: string) => {
    if (!text.startsWith(token, i)) fail();
    i += token.length;
  };
  const string = () => {
    expect('"');
    while (text.charAt(i) !== '"') {
      if (i >= text.length || text.charCodeAt(i) < 0x20) fail();
      i += text.charAt(i) === "\\" ? 2 : 1;
    }
    i++;
  };
  const sequence = (close: string, item: () => void) => {
    skipSpace();
    if (text.charAt(i) === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      skipSpace();
      if (text.charAt(i) !== ",") break;
      i++;
    }
    expect(close);
  };
  const member = () => {
    skipSpace();
    string();
    skipSpace();
    expect(":");
    value();
  };
  const word = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  function value(): void {
    skipSpace();
    const ch = text.charAt(i);
    if (ch === "{" || ch === "[") {
      i++;
      sequence(ch === "{" ? "}" : "]", ch === "{" ? member : value);
    } else if (ch === '"') {
      string();
    } else {
      word.lastIndex = i;
      if (!word.exec(text)) fail();
      i = word.lastIndex;
    }
  }
  try {
    value();
    skipSpace();
    if (i < text.length) fail();
  } catch (offset) {
    if (typeof offset === "number") return offset;
    throw offset;
  }
  return i;
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
  const findings: Finding[] = [];
  for (const query of dashboardQueries(dashboard)) {
    const location = locate(query.written);
    for (const problem of checkQuery(query.expr, { requireEnvironment: query.kind === "panel" })) {
      findings.push({
        severity: problem.severity,
        rule: problem.rule,
        message: `${query.owner} (${query.path}): ${problem.message}`,
        location,
        ...(problem.hint ? { hint: problem.hint } : {}),
      });
    }
  }
  return findings;
}
