/**
 * One dashboard row per SLO, generated from the SLO rules the alerts define: burn rate over
 * each alerting window with the alerts' burn factors as thresholds, the error budget left
 * and the SLI over the SLO period.
 */
import { type AlertsDefinition, allRules } from "../alerts/definition.ts";
import { raw } from "../alerts/expr.ts";
import type { AlertRule, RecordingRule } from "../alerts/rules.ts";
import { burnWindows } from "../alerts/slo.ts";
import { analyzePromql } from "../core/catalog/promql.ts";
import { type PanelContext, type Section, statPanel, timeseriesPanel } from "./panels.ts";
import { withRange } from "./scope.ts";
import { type AlertThreshold, thresholdSteps } from "./thresholds.ts";

/** The burn factors of `burnWindows` spend a 30-day budget: 14.4 for an hour is 2% of it. */
export const sloPeriod = "30d";

export interface SloView {
  readonly name: string;
  readonly objective: number;
  /** The error budget, 1 − objective. */
  readonly budget: number;
  /** Per alerting window: the error-ratio recording over its long window and the alert's burn factor. */
  readonly windows: readonly {
    readonly window: string;
    readonly ratio: RecordingRule;
    readonly burn: AlertThreshold;
  }[];
}

const round = (n: number) => Number(n.toPrecision(12));

/**
 * The SLOs in the alert rules: the burn-rate alerts carry `slo` and `window` labels, and each
 * compares the error ratio its recordings compute with burn factor × budget.
 */
export function slosOf(def: AlertsDefinition): SloView[] {
  const rules = allRules(def);
  const names = [
    ...new Set(
      rules.flatMap(({ rule }) => (rule.type === "alert" && rule.labels.slo ? [rule.labels.slo] : [])),
    ),
  ];
  return names.map((name) => {
    const alerts = rules.flatMap(({ rule }) =>
      rule.type === "alert" && rule.labels.slo === name ? [rule] : [],
    );
    const recordings = rules.flatMap(({ rule }) =>
      rule.type === "record" && rule.name.includes(`:slo_${name}_errors:`) ? [rule] : [],
    );
    const found = burnWindows.flatMap((w) => {
      const alert = alerts.find((a) => a.labels.window === w.name);
      const ratio = recordings.find((r) => r.name.endsWith(`:ratio_rate${w.long}`));
      return alert && ratio ? [{ window: w.long, ratio, alert, factor: w.factor }] : [];
    });
    const [first] = found;
    if (!first) throw new RangeError(`SLO ${name}: no burn-rate alert with its error-ratio recording`);
    const budget = round(thresholdOf(first.alert) / first.factor);
    const windows = found.map((w) => ({ window: w.window, ratio: w.ratio, burn: burnOf(w.alert, w.factor) }));
    return { name, budget, objective: round(1 - budget), windows };
  });
}

function thresholdOf(alert: AlertRule): number {
  const [comparison] = analyzePromql(alert.expr.text).comparisons;
  if (!comparison) throw new RangeError(`SLO alert ${alert.name} compares no error ratio with a number`);
  return comparison.value;
}

/** The alert's threshold as a burn rate: its factor, with the alert's severity. */
function burnOf(alert: AlertRule, factor: number): AlertThreshold {
  return {
    alert: alert.name,
    severity: alert.labels.severity ?? "warning",
    op: ">",
    value: factor,
    subject: alert.expr.text,
  };
}

const percent = (n: number) => `${round(n * 100)}%`;

export function sloRow(ctx: PanelContext, slo: SloView): Section {
  const longest = slo.windows.at(-1) as SloView["windows"][number];
  const periodRatio = withRange(longest.ratio.expr.text, sloPeriod);
  return {
    title: `SLO ${slo.name}: ${percent(slo.objective)} over ${sloPeriod}`,
    panels: [
      timeseriesPanel(ctx, {
        title: `${slo.name}: burn rate`,
        description: `How fast the error budget (${percent(slo.budget)}) burns: 1 spends it in exactly ${sloPeriod}. The lines are the burn-rate alerts' factors.`,
        unit: "none",
        queries: slo.windows.map((w) => ({
          expr: w.ratio.expr.div(slo.budget),
          legend: `{{environment}} ${w.window}`,
        })),
        steps: thresholdSteps(slo.windows.map((w) => w.burn)),
        width: 12,
      }),
      statPanel(ctx, {
        title: `${slo.name}: error budget left`,
        description: `Share of the ${sloPeriod} error budget not yet spent; below zero the objective is missed.`,
        unit: "percentunit",
        queries: [{ expr: raw(`1 - (${periodRatio}) / ${slo.budget}`), legend: "{{environment}}" }],
        steps: [
          { value: null, color: "red" },
          { value: 0, color: "green" },
        ],
        width: 6,
      }),
      statPanel(ctx, {
        title: `${slo.name}: SLI over ${sloPeriod}`,
        description: `Share of good events over ${sloPeriod}; the objective is ${percent(slo.objective)}.`,
        unit: "percentunit",
        queries: [{ expr: raw(`1 - (${periodRatio})`), legend: "{{environment}}" }],
        steps: [
          { value: null, color: "red" },
          { value: slo.objective, color: "green" },
        ],
        width: 6,
      }),
    ],
  };
}
