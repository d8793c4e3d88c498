/**
 * Alertmanager routing as values: receivers, the routing tree, time intervals and
 * inhibitions, plus an evaluator with Alertmanager's own matching semantics so that the
 * build can prove every alert reaches a real receiver.
 */
import type { Duration } from "../core/duration.ts";
import { type DurationLike, duration, type Matcher } from "./expr.ts";
import type { AlertSeverity, Team, Tier } from "./rules.ts";

export interface WebhookIntegration {
  readonly url: string;
  /** File holding the bearer token, mounted from a Secret: the token never sits in the config. */
  readonly credentialsFile: string;
  readonly sendResolved: boolean;
}

export interface SlackIntegration {
  /** File holding the Slack webhook URL, mounted from a Secret. */
  readonly apiUrlFile: string;
  readonly channel: string;
  readonly sendResolved: boolean;
}

export interface Receiver {
  readonly name: string;
  readonly webhooks: readonly WebhookIntegration[];
  readonly slack: readonly SlackIntegration[];
}

export function receiver(
  name: string,
  integrations: {
    webhooks?: readonly (Omit<WebhookIntegration, "sendResolved"> & { sendResolved?: boolean })[];
    slack?: readonly (Omit<SlackIntegration, "sendResolved"> & { sendResolved?: boolean })[];
  } = {},
): Receiver {
  return {
    name,
    webhooks: (integrations.webhooks ?? []).map((w) => ({ ...w, sendResolved: w.sendResolved ?? true })),
    slack: (integrations.slack ?? []).map((s) => ({ ...s, sendResolved: s.sendResolved ?? true })),
  };
}

/** A receiver with no integration: what it gets goes nowhere. */
export function isBlackhole(r: Receiver): boolean {
  return r.webhooks.length === 0 && r.slack.length === 0;
}

export const Weekday = {
  Monday: "monday",
  Tuesday: "tuesday",
  Wednesday: "wednesday",
  Thursday: "thursday",
  Friday: "friday",
  Saturday: "saturday",
  Sunday: "sunday",
} as const;
export type Weekday = (typeof Weekday)[keyof typeof Weekday];
type ClockTime = `${number}:${number}`;

export interface TimeInterval {
  readonly name: string;
  readonly weekdays: readonly (Weekday | `${Weekday}:${Weekday}`)[];
  readonly times?: readonly { readonly start: ClockTime; readonly end: ClockTime }[];
  /** IANA zone, e.g. `Europe/Madrid`. */
  readonly location?: string;
}

/** Labels routes may match on: those every alert carries, `environment` first among them. */
export interface RoutingLabels {
  readonly alertname?: string | Matcher;
  readonly severity?: AlertSeverity | Matcher;
  readonly team?: Team | Matcher;
  readonly tier?: Tier | Matcher;
  readonly environment?: string | Matcher;
  readonly namespace?: string | Matcher;
  readonly component?: string | Matcher;
  readonly window?: string | Matcher;
}

export interface Route {
  readonly receiver?: Receiver;
  readonly matchers: RoutingLabels;
  readonly groupBy?: readonly string[];
  readonly groupWait?: Duration;
  readonly groupInterval?: Duration;
  readonly repeatInterval?: Duration;
  readonly continue: boolean;
  readonly muteTimeIntervals: readonly TimeInterval[];
  readonly activeTimeIntervals: readonly TimeInterval[];
  readonly routes: readonly Route[];
}

export interface RouteSpec {
  readonly receiver?: Receiver;
  readonly matchers?: RoutingLabels;
  readonly groupBy?: readonly string[];
  readonly groupWait?: DurationLike;
  readonly groupInterval?: DurationLike;
  readonly repeatInterval?: DurationLike;
  readonly continue?: boolean;
  readonly muteTimeIntervals?: readonly TimeInterval[];
  readonly activeTimeIntervals?: readonly TimeInterval[];
  readonly routes?: readonly Route[];
}

export function route(spec: RouteSpec): Route {
  return {
    matchers: spec.matchers ?? {},
    continue: spec.continue ?? false,
    muteTimeIntervals: spec.muteTimeIntervals ?? [],
    activeTimeIntervals: spec.activeTimeIntervals ?? [],
    routes: spec.routes ?? [],
    ...(spec.receiver ? { receiver: spec.receiver } : {}),
    ...(spec.groupBy ? { groupBy: spec.groupBy } : {}),
    ...(spec.groupWait ? { groupWait: duration(spec.groupWait) } : {}),
    ...(spec.groupInterval ? { groupInterval: duration(spec.groupInterval) } : {}),
    ...(spec.repeatInterval ? { repeatInterval: duration(spec.repeatInterval) } : {}),
  };
}

/** The root route: it must name a receiver, and it matches everything. */
export function rootRoute(spec: Omit<RouteSpec, "matchers" | "continue"> & { readonly receiver: Receiver }) {
  return { ...route(spec), receiver: spec.receiver };
}

export interface Inhibition {
  readonly source: RoutingLabels;
  readonly target: RoutingLabels;
  readonly equal: readonly string[];
}

export interface AlertmanagerSpec {
  /** The root route: it must name a receiver, and it matches everything. */
  readonly route: Route & { readonly receiver: Receiver };
  readonly inhibitions: readonly Inhibition[];
  /**
   * Values of the `environment` label alerts arrive with (production, staging): the scrape
   * relabelling sets it on every target and the DSL's aggregations keep it, so routes match it.
   */
  readonly environments?: readonly string[];
  /** @deprecated the environments, from before alerts carried the `environment` label. */
  readonly namespaces?: readonly string[];
  readonly resolveTimeout?: Duration;
}

function matcherOf(m: string | Matcher): Matcher {
  return typeof m === "string" ? { op: "=", value: m } : m;
}

/** Alertmanager's matcher semantics: a missing label is the empty string; regexes are anchored. */
export function matches(matchers: RoutingLabels, labels: Readonly<Record<string, string>>): boolean {
  for (const [name, raw] of Object.entries(matchers) as [string, string | Matcher | undefined][]) {
    if (raw === undefined) continue;
    const { op, value } = matcherOf(raw);
    const actual = labels[name] ?? "";
    const ok =
      op === "="
        ? actual === value
        : op === "!="
          ? actual !== value
          : new RegExp(`^(?:${value})$`).test(actual) === (op === "=~");
    if (!ok) return false;
  }
  return true;
}

export interface RouteMatch {
  readonly receiver: Receiver;
  /** Where in the tree: `route.routes[0].routes[2]`. */
  readonly path: string;
  readonly route: Route;
}

/**
 * The routes an alert with these labels ends up on, as Alertmanager's dispatcher finds
 * them: depth first, the first matching child wins unless it has `continue`, and a node
 * none of whose children match is itself the match. Receivers are inherited.
 */
export function routeAlert(
  root: AlertmanagerSpec["route"],
  labels: Readonly<Record<string, string>>,
): RouteMatch[] {
  const walk = (r: Route, path: string, inherited: Receiver): RouteMatch[] | undefined => {
    if (!matches(r.matchers, labels)) return undefined;
    const receiver = r.receiver ?? inherited;
    const all: RouteMatch[] = [];
    for (const [i, child] of r.routes.entries()) {
      const found = walk(child, `${path}.routes[${i}]`, receiver);
      if (found) all.push(...found);
      if (found && !child.continue) break;
    }
    return all.length ? all : [{ receiver, path, route: r }];
  };
  return walk(root, "route", root.receiver) ?? [];
}

/** Matchers as Alertmanager writes them: `label=~"value"`. */
export function formatMatchers(matchers: RoutingLabels): string[] {
  return (Object.entries(matchers) as [string, string | Matcher | undefined][])
    .filter((e): e is [string, string | Matcher] => e[1] !== undefined)
    .map(([name, m]) => {
      const { op, value } = matcherOf(m);
      return `${name}${op}${JSON.stringify(value)}`;
    });
}

/** A human reading of a route: its path and matchers. */
export function describeRoute(match: RouteMatch): string {
  const m = formatMatchers(match.route.matchers);
  return `${match.path}${m.length ? ` {${m.join(", ")}}` : ""} → ${match.receiver.name}`;
}
