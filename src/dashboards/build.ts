/**
 * The dashboards as Grafana JSON models, generated from the definitions beside this file on
 * the metric catalog, the alert rules and the stack's facts. Deterministic: the same inputs
 * give the same bytes.
 */
import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as sdk from "@grafana/grafana-foundation-sdk/dashboard";
import { type AlertsDefinition, allRules } from "../alerts/definition.ts";
import type { AlertRule } from "../alerts/rules.ts";
import type { StackFacts } from "../core/catalog/stack.ts";
import { Duration } from "../core/duration.ts";
import { apiSections, apiSpec } from "./api.ts";
import { baseDashboard, type DashboardSpec } from "./dashboard.ts";
import { overviewSections, overviewSpec } from "./overview.ts";
import type { PanelContext, Section } from "./panels.ts";
import { slosOf } from "./slo-rows.ts";
import { alertThresholds } from "./thresholds.ts";
import { workerSections, workerSpec } from "./worker.ts";

/** The dashboard schema of the Grafana the stack deploys (10.4); the SDK writes a newer one. */
export const schemaVersion = 39;

interface Definition {
  readonly file: string;
  readonly spec: DashboardSpec;
  readonly sections: (ctx: PanelContext, alerts: AlertsDefinition) => Section[];
}

const definitions: readonly Definition[] = [
  {
    file: "overview.json",
    spec: overviewSpec,
    sections: (ctx, alerts) => overviewSections(ctx, slosOf(alerts)),
  },
  { file: "api-detailed.json", spec: apiSpec, sections: apiSections },
  { file: "worker-detailed.json", spec: workerSpec, sections: workerSections },
];

function addSections(b: sdk.DashboardBuilder, sections: readonly Section[]): void {
  for (const section of sections) {
    if (section.collapsed) {
      const row = new sdk.RowBuilder(section.title).collapsed(true);
      for (const panel of section.panels) row.withPanel(panel);
      b.withRow(row);
    } else {
      b.withRow(new sdk.RowBuilder(section.title));
      for (const panel of section.panels) b.withPanel(panel);
    }
  }
}

/** Panel ids in reading order, rows' nested panels included. */
function numberPanels(
  panels: readonly dashboard.Panel[] | readonly (dashboard.Panel | dashboard.RowPanel)[],
): void {
  let next = 1;
  const walk = (list: readonly (dashboard.Panel | dashboard.RowPanel)[]) => {
    for (const p of list) {
      p.id = next++;
      if ("panels" in p && Array.isArray(p.panels)) walk(p.panels);
    }
  };
  walk(panels);
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** Every dashboard, by file name under manifests/dashboards/, as the JSON text to commit. */
export function buildDashboards(alerts: AlertsDefinition, stack: StackFacts): Map<string, string> {
  const rules = allRules(alerts).flatMap(({ rule }) => (rule.type === "alert" ? [rule as AlertRule] : []));
  const thresholds = alertThresholds(rules);
  // Grafana's $__rate_interval is at least four scrape intervals.
  const rateInterval = Duration.ofMilliseconds(4 * stack.observability.scrapeInterval.milliseconds);
  const out = new Map<string, string>();
  for (const d of definitions) {
    const ctx: PanelContext = { variables: d.spec.variables, thresholds, rateInterval };
    const b = baseDashboard(d.spec, stack);
    addSections(b, d.sections(ctx, alerts));
    const model = b.build();
    numberPanels(model.panels ?? []);
    const json = { ...model, id: null, schemaVersion, version: 1 };
    out.set(d.file, `${JSON.stringify(sortedKeys(json), null, 2)}\n`);
  }
  return out;
}
