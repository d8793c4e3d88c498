/**
 * Panels on the metric catalog: queries are typed PromQL from the alerts DSL (an unknown
 * metric or label fails tsc), filtered by the dashboard's variables, with a unit always and
 * the thresholds of the alerts on what they show.
 */
import type * as cog from "@grafana/grafana-foundation-sdk/cog";
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as gauge from "@grafana/grafana-foundation-sdk/gauge";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import type * as units from "@grafana/grafana-foundation-sdk/units";
import { Range, type Selector, type SeriesKind, type Vector } from "../alerts/expr.ts";
import { mergeFacts } from "../alerts/promql-facts.ts";
import type { Duration } from "../core/duration.ts";
import { type LabelVariable, scopeQuery } from "./scope.ts";
import { type AlertThreshold, type ThresholdStep, thresholdSteps, thresholdsShownBy } from "./thresholds.ts";

/** A Grafana unit id, as the foundation SDK lists them. */
export type Unit = (typeof units)[keyof typeof units];

/** Panels read Prometheus through the dashboard's datasource variable, never a fixed uid. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${var} syntax
export const datasource = { type: "prometheus", uid: "${datasource}" } as const;

export interface PanelQuery {
  readonly expr: Vector<SeriesKind, string>;
  readonly legend: string;
}

export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: Unit;
  readonly queries: readonly PanelQuery[];
  /** Grid columns of 24; 12 unless given. */
  readonly width?: number;
  readonly height?: number;
  readonly min?: number;
  readonly max?: number;
  /** Steps that replace the alert thresholds, for values no alert compares (an SLO's objective). */
  readonly steps?: readonly ThresholdStep[];
}

/** A row of panels; a collapsed row holds its panels inside it, as Grafana stores them. */
export interface Section {
  readonly title: string;
  readonly collapsed?: boolean;
  readonly panels: readonly cog.Builder<dashboard.Panel>[];
}

/** What every panel of one dashboard shares. */
export interface PanelContext {
  readonly variables: readonly LabelVariable[];
  readonly thresholds: readonly AlertThreshold[];
  /** What Grafana's `$__rate_interval` stands for: four scrape intervals. */
  readonly rateInterval: Duration;
}

/** `selector[$__rate_interval]`: the window Grafana picks for the zoom, at least four scrapes. */
export function overRateInterval<K extends SeriesKind, L extends string>(
  ctx: PanelContext,
  s: Selector<K, L>,
): Range<K, L> {
  const facts = mergeFacts(s.facts, { hasRange: true });
  return new Range(s.kind, `${s.text}[$__rate_interval]`, s.labels, ctx.rateInterval, facts);
}

const refIds = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

interface Built {
  readonly targets: prometheus.DataqueryBuilder[];
  readonly steps: ThresholdStep[];
  readonly hasThresholds: boolean;
}

function build(ctx: PanelContext, spec: PanelSpec): Built {
  const exprs = spec.queries.map((q) => scopeQuery(q.expr.text, ctx.variables));
  const targets = exprs.map((expr, i) =>
    new prometheus.DataqueryBuilder()
      .datasource(datasource)
      .refId(refIds.charAt(i))
      .expr(expr)
      .legendFormat(spec.queries[i]?.legend ?? "")
      .range(),
  );
  const shown = exprs.flatMap((e) => thresholdsShownBy(e, ctx.thresholds));
  const steps = spec.steps ? [...spec.steps] : thresholdSteps(shown);
  return { targets, steps, hasThresholds: steps.length > 1 };
}

interface CommonBuilder {
  title(title: string): this;
  description(description: string): this;
  datasource(ref: typeof datasource): this;
  unit(unit: string): this;
  min(min: number): this;
  max(max: number): this;
  span(w: number): this;
  height(h: number): this;
  thresholds(t: dashboard.ThresholdsConfigBuilder): this;
  withTarget(t: prometheus.DataqueryBuilder): this;
}

function configure<B extends CommonBuilder>(b: B, spec: PanelSpec, built: Built): B {
  b.title(spec.title)
    .description(spec.description)
    .datasource(datasource)
    .unit(spec.unit)
    .span(spec.width ?? 12)
    .height(spec.height ?? 8)
    .thresholds(
      new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(built.steps),
    );
  if (spec.min !== undefined) b.min(spec.min);
  if (spec.max !== undefined) b.max(spec.max);
  for (const t of built.targets) b.withTarget(t);
  return b;
}

export function timeseriesPanel(ctx: PanelContext, spec: PanelSpec): timeseries.PanelBuilder {
  const built = build(ctx, spec);
  const panel = configure(new timeseries.PanelBuilder(), spec, built)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .fillOpacity(10);
  const style = built.hasThresholds
    ? common.GraphThresholdsStyleMode.Dashed
    : common.GraphThresholdsStyleMode.Off;
  return panel.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(style));
}

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false);
const byThresholds = () => new dashboard.FieldColorBuilder().mode(dashboard.FieldColorModeId.Thresholds);

export function statPanel(ctx: PanelContext, spec: PanelSpec): stat.PanelBuilder {
  return configure(new stat.PanelBuilder(), spec, build(ctx, spec))
    .reduceOptions(lastValue())
    .colorScheme(byThresholds())
    .colorMode(common.BigValueColorMode.Value)
    .graphMode(common.BigValueGraphMode.Area);
}

export function gaugePanel(ctx: PanelContext, spec: PanelSpec): gauge.PanelBuilder {
  return configure(new gauge.PanelBuilder(), spec, build(ctx, spec))
    .reduceOptions(lastValue())
    .colorScheme(byThresholds())
    .showThresholdMarkers(true);
}
