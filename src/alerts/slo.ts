/**
 * Multi-window, multi-burn-rate SLO alerts (the Google SRE workbook's recipe): recording
 * rules for the error ratio over each window, and one alert per window pair, labelled with
 * its window.
 */
import { metrics } from "../core/catalog/metrics.ts";
import { Duration } from "../core/duration.ts";
import {
  buckets,
  type HistogramName,
  type Matchers,
  observations,
  rate,
  type Selector,
  type SeriesLabel,
  sum,
  type Vector,
} from "./expr.ts";
import {
  type AlertRule,
  AlertSeverity,
  type AlertTest,
  alert,
  type RecordingRule,
  record,
  type Team,
  type Tier,
} from "./rules.ts";

export const burnWindows = [
  { name: "1h", long: "1h", short: "5m", factor: 14.4, severity: "critical", for: "2m" },
  { name: "6h", long: "6h", short: "30m", factor: 6, severity: "critical", for: "15m" },
  { name: "1d", long: "1d", short: "2h", factor: 3, severity: "warning", for: "1h" },
  { name: "3d", long: "3d", short: "6h", factor: 1, severity: "warning", for: "3h" },
] as const;
export type BurnWindow = (typeof burnWindows)[number]["name"];

/** A service level indicator: the ratio of bad events over a window, per `by` labels. */
export interface Sli<B extends string> {
  readonly by: readonly B[];
  errorRatio(window: Duration): Vector<"value", B>;
}

function sumRate<B extends string>(
  selectors: readonly Selector<"counter", string>[],
  by: readonly B[],
  window: Duration,
) {
  const parts = selectors.map((s) => sum(rate(s.over(window)) as Vector<"value", B>, { by }));
  const [first, ...rest] = parts;
  if (!first) throw new RangeError("an SLI needs at least one series");
  return rest.reduce<Vector<"value", B>>((acc, p) => acc.add(p), first);
}

function requireLabels(selectors: readonly Selector<"counter", string>[], by: readonly string[]): void {
  for (const s of selectors) {
    const missing = by.filter((l) => !s.labels.includes(l));
    if (missing.length) throw new RangeError(`SLI series ${s.text} has no label ${missing.join(", ")}`);
  }
}

/** Ratio SLI: bad events over all events, each the sum of counter rates. */
export function ratioSli<B extends string>(spec: {
  readonly by: readonly B[];
  readonly errors: readonly Selector<"counter", string>[];
  readonly total: readonly Selector<"counter", string>[];
}): Sli<B> {
  requireLabels([...spec.errors, ...spec.total], spec.by);
  return {
    by: spec.by,
    errorRatio: (w) => sumRate(spec.errors, spec.by, w).div(sumRate(spec.total, spec.by, w)),
  };
}

/** The bucket bounds a histogram in the catalog has. */
export type BucketOf<M extends HistogramName> = (typeof metrics)[M]["buckets"][number];

/**
 * Latency SLI: the share of requests slower than `threshold`. The threshold must be one
 * of the histogram's bucket bounds, or the ratio would be an interpolation.
 */
export function latencySli<M extends HistogramName, B extends SeriesLabel<M>>(spec: {
  readonly histogram: M;
  readonly threshold: BucketOf<M>;
  readonly by: readonly B[];
  readonly matchers?: Matchers<SeriesLabel<M>>;
}): Sli<B> {
  const bounds: readonly number[] = metrics[spec.histogram].buckets;
  if (!bounds.includes(spec.threshold)) {
    throw new RangeError(
      `${spec.threshold}s is not a bucket of ${spec.histogram} (buckets: ${bounds.join(", ")})`,
    );
  }
  const matchers = spec.matchers ?? {};
  return {
    by: spec.by,
    errorRatio: (w) => {
      const fast = sum(rate(buckets(spec.histogram, { ...matchers, le: String(spec.threshold) }).over(w)), {
        by: spec.by,
      });
      const all = sum(rate(observations(spec.histogram, matchers).over(w)), { by: spec.by });
      return all.sub(fast).div(all);
    },
  };
}

export interface ExpectedBurn<B extends string> {
  readonly window: BurnWindow;
  readonly labels: { readonly [K in B]?: string };
}

export interface SloSpec<B extends string> {
  /** snake_case, used in recording rule names: `api_availability`. */
  readonly name: string;
  /** The alertname every window's alert shares. */
  readonly alert: string;
  readonly objective: number;
  readonly sli: Sli<B>;
  readonly team: Team;
  readonly runbook: string;
  readonly description: string;
  /** Overrides the default severity (critical for 1h and 6h, warning for 1d and 3d). */
  readonly severities?: Partial<Record<BurnWindow, AlertSeverity>>;
  readonly tests: readonly (Omit<AlertTest<B>, "fires"> & { readonly fires: readonly ExpectedBurn<B>[] })[];
}

export interface Slo {
  readonly recordings: readonly RecordingRule[];
  readonly alerts: readonly AlertRule[];
}

const ratioWindows = [...new Set(burnWindows.flatMap((w) => [w.short, w.long]))];

export function slo<B extends string>(spec: SloSpec<B>): Slo {
  if (!(spec.objective > 0 && spec.objective < 1)) {
    throw new RangeError(`SLO ${spec.name}: objective ${spec.objective} must be between 0 and 1`);
  }
  const level = spec.sli.by.length ? spec.sli.by.join("_") : "cluster";
  const recordings = new Map<string, RecordingRule>(
    ratioWindows.map((w) => [
      w,
      record(`${level}:slo_${spec.name}_errors:ratio_rate${w}`, spec.sli.errorRatio(Duration.parse(w))),
    ]),
  );
  const budget = 1 - spec.objective;
  const recorded = (w: string) => (recordings.get(w) as RecordingRule<"value", B>).select();
  const alerts = burnWindows.map((w) => {
    const severity = spec.severities?.[w.name] ?? w.severity;
    const tier: Tier = severity === AlertSeverity.Critical ? "page" : "ticket";
    const threshold = Number((w.factor * budget).toPrecision(12));
    return alert<B>({
      name: spec.alert,
      expr: recorded(w.long).gt(threshold).and(recorded(w.short).gt(threshold)),
      for: w.for,
      severity,
      team: spec.team,
      tier,
      labels: { window: w.name, slo: spec.name },
      summary: `${spec.name} is burning its error budget ${w.factor}x too fast (${w.long}/${w.short})`,
      description: spec.description,
      runbook: spec.runbook,
      tests: [],
    });
  });
  // One promtool case per test, naming every window it expects: they share the alertname.
  const [first] = alerts;
  if (!first) throw new RangeError("no burn windows");
  const tests: AlertTest<string>[] = spec.tests.map((t) => ({
    ...t,
    fires: t.fires.map((f) => ({
      labels: f.labels,
      rule: alerts[burnWindows.findIndex((w) => w.name === f.window)],
    })),
  }));
  return {
    recordings: [...recordings.values()],
    alerts: [{ ...first, tests }, ...alerts.slice(1)],
  };
}
