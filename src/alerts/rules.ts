/**
 * Alerting and recording rules as values, with the unit tests that go with them.
 */
import type { Duration } from "../core/duration.ts";
import type { SourceLocation } from "../core/location.ts";
import { callSite } from "./call-site.ts";
import { type DurationLike, duration, Selector, type SeriesKind, selects, type Vector } from "./expr.ts";

/** `none` is for the Watchdog: an alert that fires by design and pages nobody. */
export const AlertSeverity = {
  Critical: "critical",
  Warning: "warning",
  Info: "info",
  None: "none",
} as const;
export type AlertSeverity = (typeof AlertSeverity)[keyof typeof AlertSeverity];

/** Owners the routing tree knows. */
export const Team = { Platform: "platform", Backend: "backend", Ml: "ml" } as const;
export type Team = (typeof Team)[keyof typeof Team];

/** Pages wake someone; tickets wait for working hours. Inhibition and routing use it. */
export const Tier = { Page: "page", Ticket: "ticket" } as const;
export type Tier = (typeof Tier)[keyof typeof Tier];

/** One input series of a rule unit test, in promtool's expanding notation (`0+10x20`, `95x30`). */
export interface TestSeries {
  readonly series: string;
  readonly values: string;
}

/** One expected alert: the labels the expression yields and, if an annotation uses it, `$value`. */
export interface ExpectedAlert<L extends string> {
  readonly labels: { readonly [K in L]?: string };
  readonly value?: number;
  /** The rule whose labels and annotations the alert carries, when several rules share an alertname. */
  readonly rule?: AlertRule;
}

export interface AlertTest<L extends string> {
  readonly name: string;
  readonly input: readonly TestSeries[];
  /** When to evaluate, counted from the first sample. */
  readonly at: DurationLike;
  /** The alerts expected to be firing then; empty means none. */
  readonly fires: readonly ExpectedAlert<L>[];
}

export interface AlertSpec<L extends string> {
  readonly name: string;
  readonly expr: Vector<SeriesKind, L>;
  readonly for?: DurationLike;
  readonly severity: AlertSeverity;
  readonly team: Team;
  readonly tier?: Tier;
  /** Extra static labels. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Go templates may use `{{ $labels.NAME }}` and `{{ $value }}` (optionally `| humanize`, `| humanizePercentage`). */
  readonly summary: string;
  readonly description: string;
  /** Path under the runbook base URL, e.g. `gpu/overheating`. */
  readonly runbook: string;
  readonly tests: readonly AlertTest<L>[];
}

export interface AlertRule {
  readonly type: "alert";
  readonly name: string;
  readonly expr: Vector<SeriesKind, string>;
  readonly for?: Duration;
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly description: string;
  readonly runbook: string;
  readonly tests: readonly AlertTest<string>[];
  readonly location?: SourceLocation;
}

export interface RecordingRule<K extends SeriesKind = SeriesKind, L extends string = string> {
  readonly type: "record";
  readonly name: string;
  readonly expr: Vector<K, L>;
  readonly location?: SourceLocation;
  /** A selector of the recorded series, for use in other rules. */
  select(): Selector<RecordedKind<K>, L>;
}

/** A recorded rate is a plain value over time, so the *_over_time functions accept it. */
type RecordedKind<K extends SeriesKind> = K extends "histogram" ? "histogram" : "gauge";

export type Rule = AlertRule | RecordingRule;

export interface RuleGroup {
  readonly name: string;
  readonly interval?: Duration;
  readonly rules: readonly Rule[];
  readonly location?: SourceLocation;
}

export function alert<L extends string>(spec: AlertSpec<L>): AlertRule {
  const labels: Record<string, string> = {
    ...spec.labels,
    severity: spec.severity,
    team: spec.team,
    tier: spec.tier ?? (spec.severity === "critical" ? "page" : "ticket"),
  };
  const rule: AlertRule = {
    type: "alert",
    name: spec.name,
    expr: spec.expr,
    labels,
    summary: spec.summary,
    description: spec.description,
    runbook: spec.runbook,
    tests: spec.tests,
    ...(spec.for === undefined ? {} : { for: duration(spec.for) }),
  };
  const location = callSite();
  return location ? { ...rule, location } : rule;
}

/** A `level:metric:operations` name (Prometheus's naming convention for recording rules). */
export type RecordName = `${string}:${string}:${string}`;
const recordNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*:[a-zA-Z_][a-zA-Z0-9_]*$/;

export function record<K extends SeriesKind, L extends string>(
  name: RecordName,
  expr: Vector<K, L>,
): RecordingRule<K, L> {
  if (!recordNamePattern.test(name)) {
    throw new RangeError(`recording rule "${name}" must be named level:metric:operations`);
  }
  const kind = (expr.kind === "histogram" ? "histogram" : "gauge") as RecordedKind<K>;
  const location = callSite();
  return {
    type: "record",
    name,
    expr,
    select: () => new Selector(kind, name, expr.labels, selects(name)),
    ...(location ? { location } : {}),
  };
}

export function group(
  name: string,
  rules: readonly Rule[],
  options: { interval?: DurationLike } = {},
): RuleGroup {
  const location = callSite();
  return {
    name,
    rules,
    ...(options.interval === undefined ? {} : { interval: duration(options.interval) }),
    ...(location ? { location } : {}),
  };
}
