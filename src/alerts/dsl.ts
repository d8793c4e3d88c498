/** The alerts DSL in one import, for definitions under alerts/. */
import type { environmentLabel } from "../core/labels.ts";
import {
  type Aggregated,
  avg as avgAny,
  count as countAny,
  max as maxAny,
  min as minAny,
  type SeriesKind,
  sum as sumAny,
  type Vector,
} from "./expr.ts";

export type { EnvironmentFacts, StackFacts } from "../core/catalog/stack.ts";
export { environmentLabel } from "../core/labels.ts";
export { defineAlerts, type RuleFile, sloRules } from "./definition.ts";
export {
  absent,
  avg_over_time,
  buckets,
  clamp_min,
  delta,
  deriv,
  histogram_quantile,
  increase,
  max_over_time,
  metric,
  min_over_time,
  not,
  notRe,
  observations,
  rate,
  raw,
  re,
  up,
  vector,
} from "./expr.ts";
export { type Inhibition, receiver, rootRoute, route, type TimeInterval, Weekday } from "./routes.ts";
export { AlertSeverity, alert, group, record, Team, Tier } from "./rules.ts";
export { latencySli, ratioSli, slo } from "./slo.ts";
export { bucketSeries, countSeries, series, upSeries } from "./test-input.ts";

type Env = typeof environmentLabel;

/** What tsc reports when `by()` leaves out the environment label of a vector that has it. */
type KeepsEnvironment<L extends string, B extends string> = Env extends L
  ? Env extends B
    ? unknown
    : { readonly "by() must keep the environment label": never }
  : unknown;

/** What tsc reports when an aggregation without grouping would drop the environment label. */
type NoGroupingDropsEnvironment<L extends string> = Env extends L
  ? { readonly "an aggregation without by() drops the environment label": never }
  : unknown;

/**
 * An aggregation that keeps the environment label: one Prometheus scrapes every
 * environment, so an alert aggregated across them could not say which one it is about,
 * and Alertmanager and the receiver route by it. `by()` must list it, `without()` must not.
 */
export interface EnvironmentAggregation {
  <K extends SeriesKind, L extends string>(
    v: Vector<K, L> & NoGroupingDropsEnvironment<L>,
  ): Vector<Aggregated<K, never>, never>;
  <K extends SeriesKind, L extends string, B extends L>(
    v: Vector<K, L>,
    grouping: { readonly by: readonly B[] } & KeepsEnvironment<L, B>,
  ): Vector<Aggregated<K, B>, B>;
  <K extends SeriesKind, L extends string, W extends Exclude<L, Env>>(
    v: Vector<K, L>,
    grouping: { readonly without: readonly W[] },
  ): Vector<Aggregated<K, Exclude<L, W>>, Exclude<L, W>>;
}

export const sum = sumAny as EnvironmentAggregation;
export const avg = avgAny as EnvironmentAggregation;
export const min = minAny as EnvironmentAggregation;
export const max = maxAny as EnvironmentAggregation;
export const count = countAny as EnvironmentAggregation;
