/**
 * Extraction, pure of any policy: the PromQL queries a Grafana dashboard holds and which
 * series and labels each one reads. What of that is a finding is dashboard-policy.ts's call.
 */
import { analyzePromql, type PromqlAnalysis } from "./promql.ts";

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
export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
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

/**
 * What a query reads, as the PromQL walker sees it once Grafana's variables are
 * substituted: its selectors (series and matcher labels) and grouping labels.
 */
export function readQuery(expr: string): PromqlAnalysis {
  return analyzePromql(substituteGrafanaVariables(expr));
}
