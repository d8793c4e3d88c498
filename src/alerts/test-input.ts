/** Typed input series for rule unit tests: only catalog metrics, only their labels. */
import type { TargetLabel } from "../core/catalog/metrics.ts";
import type { HistogramName, PlainMetricName, SeriesLabel } from "./expr.ts";
import type { TestSeries } from "./rules.ts";

type Labels<L extends string> = { readonly [K in L]?: string };

function text(name: string, labels: Readonly<Record<string, string | undefined>>): string {
  const parts = Object.entries(labels)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length ? `${name}{${parts.join(", ")}}` : name;
}

/** A counter or gauge series with promtool values, e.g. `0+60x30` or `95x20`. */
export function series<M extends PlainMetricName>(
  name: M,
  labels: Labels<SeriesLabel<M>>,
  values: string,
): TestSeries {
  return { series: text(name, labels), values };
}

/** One `_bucket` series of a histogram; `le` is the bucket's upper bound. */
export function bucketSeries<M extends HistogramName>(
  name: M,
  labels: Labels<SeriesLabel<M>> & { readonly le: string },
  values: string,
): TestSeries {
  return { series: text(`${name}_bucket`, labels), values };
}

/** The `_count` series of a histogram. */
export function countSeries<M extends HistogramName>(
  name: M,
  labels: Labels<SeriesLabel<M>>,
  values: string,
): TestSeries {
  return { series: text(`${name}_count`, labels), values };
}

/** The `up` series Prometheus writes per target. */
export function upSeries(labels: Labels<TargetLabel>, values: string): TestSeries {
  return { series: text("up", labels), values };
}
