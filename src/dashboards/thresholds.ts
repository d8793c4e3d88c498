/**
 * Panel thresholds taken from the alert rules: an alert that compares an expression with a
 * number puts that number on every panel that shows the same expression.
 */

import type { AlertRule } from "../alerts/rules.ts";
import { analyzePromql } from "../core/catalog/promql.ts";

export interface AlertThreshold {
  readonly alert: string;
  readonly severity: string;
  readonly op: ">" | ">=" | "<" | "<=";
  readonly value: number;
  /** The compared expression as the rule writes it. */
  readonly subject: string;
}

/**
 * What an expression computes, whatever a panel or a rule scopes it to: without the matchers
 * that read a dashboard variable, range windows and by/without clauses.
 */
export function shapeOf(expr: string): string {
  return expr
    .replace(/\s*[a-zA-Z_]\w*\s*(?:=~|!~|!=|=)\s*"[^"]*\$[^"]*"\s*,?/g, "")
    .replace(/,\s*\}/g, "}")
    .replace(/\{\s+/g, "{")
    .replace(/\{\s*\}/g, "")
    .replace(/\[[^\]]*\]/g, "[]")
    .replace(/\s+(?:by|without)\s*\([^)]*\)/g, "")
    .replace(/\s+/g, " ");
}

/**
 * Every threshold the alerts set: comparisons with a number other than zero (`> 0` means
 * "any", not a line to draw) and with an order (`== 0` is a state, not a threshold).
 */
export function alertThresholds(rules: readonly AlertRule[]): AlertThreshold[] {
  return rules.flatMap((rule) => {
    const text = rule.expr.text;
    return analyzePromql(text).comparisons.flatMap((c): AlertThreshold[] =>
      c.value !== 0 && (c.op === ">" || c.op === ">=" || c.op === "<" || c.op === "<=")
        ? [
            {
              alert: rule.name,
              severity: rule.labels.severity ?? "warning",
              op: c.op,
              value: c.value,
              subject: text.slice(c.subject.from, c.subject.to),
            },
          ]
        : [],
    );
  });
}

/**
 * The thresholds whose compared expression a panel query shows: the query is that
 * expression, or a union (`or`) of such expressions. A query that goes on computing with it
 * (a burn rate divides an error ratio) shows something else.
 */
export function thresholdsShownBy(expr: string, thresholds: readonly AlertThreshold[]): AlertThreshold[] {
  let rest = shapeOf(expr);
  const shown: AlertThreshold[] = [];
  const byLength = [...thresholds].sort((a, b) => shapeOf(b.subject).length - shapeOf(a.subject).length);
  for (const t of byLength) {
    const shape = shapeOf(t.subject);
    if (rest.includes(shape) || shown.some((s) => shapeOf(s.subject) === shape)) {
      rest = rest.replaceAll(shape, "");
      shown.push(t);
    }
  }
  return /^[\s()]*(?:or[\s()]*)*$/.test(rest) ? shown : [];
}

export interface ThresholdStep {
  readonly value: number | null;
  readonly color: string;
}

const severityColors: Readonly<Record<string, string>> = { critical: "red", warning: "orange" };
const colorOf = (severity: string) => severityColors[severity] ?? "yellow";

/**
 * Grafana's threshold steps (a step colours values from its number up): green where no alert
 * fires, the severity's colour where one does. `< n` colours everything below n.
 */
export function thresholdSteps(thresholds: readonly AlertThreshold[]): ThresholdStep[] {
  const below = thresholds.filter((t) => t.op === "<" || t.op === "<=").sort((a, b) => b.value - a.value);
  const above = thresholds.filter((t) => t.op === ">" || t.op === ">=").sort((a, b) => a.value - b.value);
  const [highestBelow] = below;
  const steps: ThresholdStep[] = highestBelow
    ? [
        { value: null, color: colorOf(highestBelow.severity) },
        { value: highestBelow.value, color: "green" },
      ]
    : [{ value: null, color: "green" }];
  for (const t of above) {
    if (!steps.some((s) => s.value === t.value)) steps.push({ value: t.value, color: colorOf(t.severity) });
  }
  return steps;
}
