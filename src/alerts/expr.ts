/**
 * Typed PromQL expressions over the metric catalog. Each value carries the PromQL text it
 * stands for, what kind of series it holds and, in its type, the labels it may carry, so
 * `rate()` on a gauge, `histogram_quantile()` on a non-histogram or an unknown label in a
 * matcher or `by()` fail to compile.
 */
import {
  type LabelOf,
  type MetricName,
  type MetricsOfType,
  metrics,
  type TargetLabel,
  targetLabels,
} from "../core/catalog/metrics.ts";
import { Duration } from "../core/duration.ts";
import type { SourceLocation } from "../core/location.ts";
import { callSite } from "./call-site.ts";
import { emptyFacts, mergeFacts, type PromqlFacts } from "./promql-facts.ts";

/** What a vector holds: raw counters, gauges, histogram buckets, or derived values. */
export type SeriesKind = "counter" | "gauge" | "histogram" | "value";

export type HistogramName = MetricsOfType<"histogram">;
export type PlainMetricName = Exclude<MetricName, HistogramName>;
/** Labels a series of metric M may carry: its own plus those the scrape config attaches. */
export type SeriesLabel<M extends MetricName> = LabelOf<M> | TargetLabel;

type KindOf<M extends PlainMetricName> = (typeof metrics)[M]["type"] extends "counter" ? "counter" : "gauge";

type DurationUnit = "ms" | "s" | "m" | "h" | "d" | "w";
/** A Duration, or its text such as `5m` or `1h30m`. */
export type DurationLike =
  | Duration
  | `${number}${DurationUnit}`
  | `${number}${DurationUnit}${number}${DurationUnit}`;

export function duration(d: DurationLike): Duration {
  return d instanceof Duration ? d : Duration.parse(d);
}

export interface Matcher {
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}
export const re = (value: string): Matcher => ({ op: "=~", value });
export const notRe = (value: string): Matcher => ({ op: "!~", value });
export const not = (value: string): Matcher => ({ op: "!=", value });

export type Matchers<L extends string> = { readonly [K in L]?: string | Matcher };

/** A PromQL string literal, double-quoted with Go escapes. */
export function quote(value: string): string {
  return JSON.stringify(value);
}

function renderMatchers(matchers: Readonly<Record<string, string | Matcher | undefined>>): string {
  const parts: string[] = [];
  for (const [label, m] of Object.entries(matchers)) {
    if (m === undefined) continue;
    const { op, value } = typeof m === "string" ? { op: "=", value: m } : m;
    parts.push(`${label}${op}${quote(value)}`);
  }
  return parts.length ? `{${parts.join(", ")}}` : "";
}

/** An instant vector of kind K whose series carry labels from L. */
export class Vector<K extends SeriesKind, L extends string> {
  constructor(
    readonly kind: K,
    readonly text: string,
    /** The labels the result may carry; templates and tests are checked against them. */
    readonly labels: readonly L[],
    /** What lint needs to know, gathered while building, so DSL expressions need no parse. */
    readonly facts: PromqlFacts,
    /** False for binary operations, which need parentheses as an operand. */
    readonly atomic: boolean = true,
    /** Where raw PromQL inside it was written: lint then parses the text, and names this place. */
    readonly origin?: SourceLocation,
  ) {}

  toString(): string {
    return this.text;
  }

  gt(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, ">", rhs, match);
  }
  ge(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, ">=", rhs, match);
  }
  lt(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "<", rhs, match);
  }
  le(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "<=", rhs, match);
  }
  eq(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "==", rhs, match);
  }
  ne(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "!=", rhs, match);
  }
  add(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "+", rhs, match);
  }
  sub(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "-", rhs, match);
  }
  mul(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "*", rhs, match);
  }
  div(rhs: number | Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "/", rhs, match);
  }
  and(rhs: Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "and", rhs, match);
  }
  unless(rhs: Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "unless", rhs, match);
  }
  or(rhs: Vector<SeriesKind, string>, match?: VectorMatching<L>): Vector<"value", L> {
    return binary(this, "or", rhs, match);
  }
}

/** `on(...)` / `ignoring(...)` for vector-to-vector operations. */
export type VectorMatching<L extends string> =
  | { readonly on: readonly L[] }
  | { readonly ignoring: readonly L[] };

function operand(v: number | Vector<SeriesKind, string>): string {
  if (typeof v === "number") return formatNumber(v);
  return v.atomic ? v.text : `(${v.text})`;
}

/** Numbers as PromQL reads them: 1e10 stays readable, no exponent below 1e21. */
export function formatNumber(n: number): string {
  return Number.isInteger(n) || Math.abs(n) >= 1e-6 ? String(n) : n.toExponential();
}

const comparisonOps = new Set([">", ">=", "<", "<=", "==", "!="]);

function binary<L extends string>(
  lhs: Vector<SeriesKind, L>,
  op: string,
  rhs: number | Vector<SeriesKind, string>,
  match?: VectorMatching<string>,
): Vector<"value", L> {
  let modifier = "";
  if (match && "on" in match) modifier = ` on(${match.on.join(", ")})`;
  if (match && "ignoring" in match) modifier = ` ignoring(${match.ignoring.join(", ")})`;
  const rhsFacts = typeof rhs === "number" ? emptyFacts : rhs.facts;
  const facts = mergeFacts(lhs.facts, rhsFacts, { hasComparison: comparisonOps.has(op) });
  const origin = lhs.origin ?? (typeof rhs === "number" ? undefined : rhs.origin);
  return new Vector(
    "value",
    `${operand(lhs)} ${op}${modifier} ${operand(rhs)}`,
    lhs.labels,
    facts,
    false,
    origin,
  );
}

/** A vector selector: the only thing a range `[d]` may follow. */
export class Selector<K extends SeriesKind, L extends string> extends Vector<K, L> {
  /** `selector[d]`, the range a function such as rate() reads. */
  over(window: DurationLike): Range<K, L> {
    const d = duration(window);
    return new Range(
      this.kind,
      `${this.text}[${d}]`,
      this.labels,
      d,
      mergeFacts(this.facts, { hasRange: true }),
    );
  }
}

export class Range<K extends SeriesKind, L extends string> {
  constructor(
    readonly kind: K,
    readonly text: string,
    readonly labels: readonly L[],
    readonly window: Duration,
    readonly facts: PromqlFacts,
  ) {}
}

/** The facts of a bare selector of `series`. */
export function selects(series: string): PromqlFacts {
  return mergeFacts(emptyFacts, { seriesNames: [series] });
}

/** A catalog metric that is a counter or a gauge. */
export function metric<M extends PlainMetricName>(
  name: M,
  matchers: Matchers<SeriesLabel<M>> = {},
): Selector<KindOf<M>, SeriesLabel<M>> {
  const def = metrics[name];
  const kind = (def.type === "counter" ? "counter" : "gauge") as KindOf<M>;
  const labels = [...def.labels, ...targetLabels] as SeriesLabel<M>[];
  return new Selector(kind, `${name}${renderMatchers(matchers)}`, labels, selects(name));
}

/** The `_bucket` series of a catalog histogram, with its `le` label. */
export function buckets<M extends HistogramName>(
  name: M,
  matchers: Matchers<SeriesLabel<M> | "le"> = {},
): Selector<"histogram", SeriesLabel<M> | "le"> {
  const labels = [...metrics[name].labels, ...targetLabels, "le"] as (SeriesLabel<M> | "le")[];
  return new Selector(
    "histogram",
    `${name}_bucket${renderMatchers(matchers)}`,
    labels,
    selects(`${name}_bucket`),
  );
}

/** The `_count` series of a catalog histogram: a counter of observations. */
export function observations<M extends HistogramName>(
  name: M,
  matchers: Matchers<SeriesLabel<M>> = {},
): Selector<"counter", SeriesLabel<M>> {
  const labels = [...metrics[name].labels, ...targetLabels] as SeriesLabel<M>[];
  return new Selector(
    "counter",
    `${name}_count${renderMatchers(matchers)}`,
    labels,
    selects(`${name}_count`),
  );
}

/** `up`, the series Prometheus writes for every target it scrapes: 1 when the scrape worked. */
export function up(matchers: Matchers<TargetLabel> = {}): Selector<"gauge", TargetLabel> {
  return new Selector("gauge", `up${renderMatchers(matchers)}`, [...targetLabels], selects("up"));
}

type Argument<L extends string> = Vector<SeriesKind, L> | Range<SeriesKind, L>;

function call<K extends SeriesKind, L extends string>(
  kind: K,
  fn: string,
  arg: Argument<L>,
  options: {
    prefix?: string;
    suffix?: string;
    labels?: readonly string[];
    facts?: Partial<PromqlFacts>;
  } = {},
): Vector<K, L> {
  const text = `${fn}(${options.prefix ?? ""}${arg.text}${options.suffix ?? ""})`;
  const labels = (options.labels ?? arg.labels) as readonly L[];
  const origin = arg instanceof Vector ? arg.origin : undefined;
  return new Vector(kind, text, labels, mergeFacts(arg.facts, options.facts ?? {}), true, origin);
}

/** A rate-like function over a range: lint checks its window against the scrape interval. */
function rangeCall<K extends SeriesKind, L extends string>(
  kind: K,
  fn: string,
  r: Range<SeriesKind, L>,
): Vector<K, L> {
  return call(kind, fn, r, { facts: { rateWindows: [{ fn, window: r.window }] } });
}

/** Per-second rate of a counter (or of histogram buckets, which stay buckets). */
export function rate<L extends string>(r: Range<"counter", L>): Vector<"value", L>;
export function rate<L extends string>(r: Range<"histogram", L>): Vector<"histogram", L>;
export function rate<L extends string>(r: Range<"counter" | "histogram", L>) {
  return rangeCall(r.kind === "histogram" ? "histogram" : "value", "rate", r);
}

/** Increase of a counter (or of histogram buckets) over the range. */
export function increase<L extends string>(r: Range<"counter", L>): Vector<"value", L>;
export function increase<L extends string>(r: Range<"histogram", L>): Vector<"histogram", L>;
export function increase<L extends string>(r: Range<"counter" | "histogram", L>) {
  return rangeCall(r.kind === "histogram" ? "histogram" : "value", "increase", r);
}

/** Per-second slope of a gauge. */
export function deriv<L extends string>(r: Range<"gauge", L>): Vector<"value", L> {
  return rangeCall("value", "deriv", r);
}

/** Difference between the first and last value of a gauge over the range. */
export function delta<L extends string>(r: Range<"gauge", L>): Vector<"value", L> {
  return rangeCall("value", "delta", r);
}

export function avg_over_time<L extends string>(r: Range<"gauge", L>): Vector<"value", L> {
  return call("value", "avg_over_time", r);
}
export function min_over_time<L extends string>(r: Range<"gauge", L>): Vector<"value", L> {
  return call("value", "min_over_time", r);
}
export function max_over_time<L extends string>(r: Range<"gauge", L>): Vector<"value", L> {
  return call("value", "max_over_time", r);
}

/** 1 with the selector's equality labels when nothing matches the selector. */
export function absent<L extends string>(v: Selector<SeriesKind, L>): Vector<"value", L> {
  // absent() yields only the labels its selector pins with `=`.
  const pinned = [...v.text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="/g)].map((m) => m[1] as string);
  const labels = v.labels.filter((l) => pinned.includes(l));
  return call("value", "absent", v, { facts: { usesAbsent: true }, labels });
}

/** φ-quantile from histogram buckets; `le` must have survived any aggregation. */
export function histogram_quantile<L extends string>(
  q: number,
  v: Vector<"histogram", L | "le">,
): Vector<"value", Exclude<L, "le">> {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`histogram_quantile(${q}): φ must be within 0..1`);
  const labels = v.labels.filter((l) => l !== "le");
  return call("value", "histogram_quantile", v, { prefix: `${formatNumber(q)}, `, labels }) as Vector<
    "value",
    Exclude<L, "le">
  >;
}

/** Aggregating histogram buckets keeps them buckets only when `le` is kept. */
export type Aggregated<K extends SeriesKind, Kept extends string> = K extends "histogram"
  ? "le" extends Kept
    ? "histogram"
    : "value"
  : K extends "gauge"
    ? "gauge"
    : "value";

export type Grouping<L extends string, B extends L> =
  | { readonly by: readonly B[] }
  | { readonly without: readonly B[] };

type AggregateFn = "sum" | "avg" | "min" | "max" | "count";

function aggregate(fn: AggregateFn) {
  function agg<K extends SeriesKind, L extends string>(v: Vector<K, L>): Vector<Aggregated<K, never>, never>;
  function agg<K extends SeriesKind, L extends string, B extends L>(
    v: Vector<K, L>,
    grouping: { readonly by: readonly B[] },
  ): Vector<Aggregated<K, B>, B>;
  function agg<K extends SeriesKind, L extends string, W extends L>(
    v: Vector<K, L>,
    grouping: { readonly without: readonly W[] },
  ): Vector<Aggregated<K, Exclude<L, W>>, Exclude<L, W>>;
  function agg(v: Vector<SeriesKind, string>, grouping?: Grouping<string, string>) {
    let clause = "";
    let labels: readonly string[] = [];
    if (grouping && "by" in grouping) {
      clause = ` by (${grouping.by.join(", ")})`;
      labels = grouping.by;
    } else if (grouping && "without" in grouping) {
      clause = ` without (${grouping.without.join(", ")})`;
      labels = v.labels.filter((l) => !grouping.without.includes(l));
    }
    const keepsLe = labels.includes("le");
    const kind =
      v.kind === "histogram" ? (keepsLe ? "histogram" : "value") : v.kind === "gauge" ? "gauge" : "value";
    const written = grouping ? ("by" in grouping ? grouping.by : grouping.without) : [];
    const facts = mergeFacts(v.facts, { aggregationLabels: written });
    return new Vector(kind, `${fn}${clause} (${v.text})`, labels, facts, true, v.origin);
  }
  return agg;
}

export const sum = aggregate("sum");
export const avg = aggregate("avg");
export const min = aggregate("min");
export const max = aggregate("max");
export const count = aggregate("count");

/** Clamps a vector's values to at least `floor`, e.g. to avoid dividing by zero. */
export function clamp_min<K extends SeriesKind, L extends string>(
  v: Vector<K, L>,
  floor: number,
): Vector<K, L> {
  return call(v.kind, "clamp_min", v, { suffix: `, ${formatNumber(floor)}` });
}

/** `vector(n)`: one series with no labels and the value n, at every evaluation. */
export function vector(n: number): Vector<"value", never> {
  return new Vector("value", `vector(${formatNumber(n)})`, [], emptyFacts);
}

/**
 * The escape hatch: PromQL written as text. It is parsed and linted like the rest, and a
 * parse error names the file and line of this call. Its labels are unknown to the type system.
 */
export function raw(promql: string, labels: readonly string[] = []): Vector<"value", string> {
  return new Vector("value", promql, labels, emptyFacts, false, callSite());
}
