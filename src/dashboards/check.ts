/**
 * What a generated dashboard must hold, checked on its JSON model: a unit on every panel,
 * the datasource variable everywhere, the label variables defined and used by every query
 * whose series carry the label, and the alert thresholds on the panels that show what the
 * alerts compare. Returns the problems as messages naming the panel or variable.
 */
import { datasource } from "./panels.ts";
import { LabelVariable, selectorsOf, variablesFor } from "./scope.ts";
import { type AlertThreshold, thresholdsShownBy } from "./thresholds.ts";

interface Target {
  readonly expr?: string;
  readonly datasource?: { readonly uid?: string };
}
interface Panel {
  readonly type: string;
  readonly title?: string;
  readonly datasource?: { readonly uid?: string };
  readonly fieldConfig?: {
    readonly defaults?: {
      readonly unit?: string;
      readonly thresholds?: { readonly steps?: readonly { readonly value: number | null }[] };
    };
  };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
}
export interface DashboardModel {
  readonly panels?: readonly Panel[];
  readonly templating?: {
    readonly list?: readonly { readonly name: string; readonly type: string; readonly query?: unknown }[];
  };
}

const labelVariables: readonly LabelVariable[] = Object.values(LabelVariable);

/** Every panel that shows data, rows' nested panels included. */
export function dataPanels(d: DashboardModel): Panel[] {
  const walk = (panels: readonly Panel[]): Panel[] =>
    panels.flatMap((p) => [...(p.type === "row" ? [] : [p]), ...walk(p.panels ?? [])]);
  return walk(d.panels ?? []);
}

const nameOf = (p: Panel) => `panel "${p.title ?? p.type}"`;

export function unitProblems(d: DashboardModel): string[] {
  return dataPanels(d).flatMap((p) => (p.fieldConfig?.defaults?.unit ? [] : [`${nameOf(p)} has no unit`]));
}

export function datasourceProblems(d: DashboardModel): string[] {
  const variables = d.templating?.list ?? [];
  const problems = variables.some((v) => v.type === "datasource" && v.name === "datasource")
    ? []
    : ["no datasource variable"];
  for (const p of dataPanels(d)) {
    const refs = [p.datasource, ...(p.targets ?? []).map((t) => t.datasource)];
    if (refs.some((r) => r?.uid !== datasource.uid)) problems.push(`${nameOf(p)} does not read $datasource`);
  }
  return problems;
}

/**
 * The label variables the dashboard defines must each be used, and each query must filter
 * every selector by every defined variable whose label its series carries.
 */
export function variableProblems(d: DashboardModel): string[] {
  const defined = labelVariables.filter((v) => (d.templating?.list ?? []).some((t) => t.name === v));
  const problems: string[] = [];
  const used = new Set<string>();
  for (const p of dataPanels(d)) {
    for (const t of p.targets ?? []) {
      for (const s of selectorsOf(t.expr ?? "")) {
        for (const v of variablesFor(s.name, defined)) {
          if (s.text.includes(`${v}=~"$${v}"`)) used.add(v);
          else problems.push(`${nameOf(p)}: ${s.name} is not filtered by $${v}`);
        }
      }
      for (const m of (t.expr ?? "").matchAll(/\$(\w+)/g)) {
        const name = m[1] as string;
        if (!name.startsWith("__") && !defined.includes(name as LabelVariable)) {
          problems.push(`${nameOf(p)} uses $${name}, which the dashboard does not define`);
        }
      }
    }
  }
  for (const v of defined) if (!used.has(v)) problems.push(`variable ${v} is used by no query`);
  return problems;
}

/** Alert thresholds missing from the panels that show the expression the alert compares. */
export function thresholdProblems(d: DashboardModel, thresholds: readonly AlertThreshold[]): string[] {
  return dataPanels(d).flatMap((p) => {
    const steps = (p.fieldConfig?.defaults?.thresholds?.steps ?? []).map((s) => s.value);
    const shown = (p.targets ?? []).flatMap((t) => thresholdsShownBy(t.expr ?? "", thresholds));
    return shown
      .filter((t) => !steps.includes(t.value))
      .map(
        (t) =>
          `${nameOf(p)} shows what ${t.alert} compares with ${t.value} but has no threshold at ${t.value}`,
      );
  });
}
