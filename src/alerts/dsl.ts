/** The alerts DSL in one import, for definitions under alerts/. */
export { defineAlerts, type RuleFile, sloRules } from "./definition.ts";
export {
  absent,
  avg,
  avg_over_time,
  buckets,
  clamp_min,
  count,
  delta,
  deriv,
  histogram_quantile,
  increase,
  max,
  max_over_time,
  metric,
  min,
  min_over_time,
  not,
  notRe,
  observations,
  rate,
  raw,
  re,
  sum,
  up,
} from "./expr.ts";
export { type Inhibition, receiver, rootRoute, route, type TimeInterval, Weekday } from "./routes.ts";
export { AlertSeverity, alert, group, record, Team, Tier } from "./rules.ts";
export { latencySli, ratioSli, slo } from "./slo.ts";
export { bucketSeries, countSeries, series, upSeries } from "./test-input.ts";
