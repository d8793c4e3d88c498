/** alertmanager.yml from the routes DSL, and routing cases for amtool and for the build check. */
import type { Finding } from "../core/finding.ts";
import { environmentLabel } from "../core/labels.ts";
import {
  type AlertmanagerSpec,
  describeRoute,
  formatMatchers,
  isBlackhole,
  type Receiver,
  type Route,
  routeAlert,
  type TimeInterval,
} from "./routes.ts";
import type { AlertRule } from "./rules.ts";

function routeYaml(r: Route): Record<string, unknown> {
  const matchers = formatMatchers(r.matchers);
  return {
    ...(r.receiver ? { receiver: r.receiver.name } : {}),
    ...(matchers.length ? { matchers } : {}),
    ...(r.groupBy ? { group_by: [...r.groupBy] } : {}),
    ...(r.groupWait ? { group_wait: r.groupWait.toString() } : {}),
    ...(r.groupInterval ? { group_interval: r.groupInterval.toString() } : {}),
    ...(r.repeatInterval ? { repeat_interval: r.repeatInterval.toString() } : {}),
    ...(r.continue ? { continue: true } : {}),
    ...(r.muteTimeIntervals.length ? { mute_time_intervals: r.muteTimeIntervals.map((t) => t.name) } : {}),
    ...(r.activeTimeIntervals.length
      ? { active_time_intervals: r.activeTimeIntervals.map((t) => t.name) }
      : {}),
    ...(r.routes.length ? { routes: r.routes.map(routeYaml) } : {}),
  };
}

function collect<T extends { readonly name: string }>(
  r: Route,
  pick: (r: Route) => readonly (T | undefined)[],
): T[] {
  const byName = new Map<string, T>();
  const walk = (node: Route) => {
    for (const item of pick(node)) {
      if (!item) continue;
      const seen = byName.get(item.name);
      if (seen && seen !== item && JSON.stringify(seen) !== JSON.stringify(item)) {
        throw new RangeError(`two different definitions are named "${item.name}"`);
      }
      byName.set(item.name, item);
    }
    node.routes.forEach(walk);
  };
  walk(r);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

function receiverYaml(r: Receiver) {
  return {
    name: r.name,
    ...(r.webhooks.length
      ? {
          webhook_configs: r.webhooks.map((w) => ({
            url: w.url,
            send_resolved: w.sendResolved,
            http_config: { authorization: { type: "Bearer", credentials_file: w.credentialsFile } },
          })),
        }
      : {}),
    ...(r.slack.length
      ? {
          slack_configs: r.slack.map((s) => ({
            api_url_file: s.apiUrlFile,
            channel: s.channel,
            send_resolved: s.sendResolved,
            title: '{{ template "slack.default.title" . }}',
          })),
        }
      : {}),
  };
}

function timeIntervalYaml(t: TimeInterval) {
  return {
    name: t.name,
    time_intervals: [
      {
        weekdays: [...t.weekdays],
        ...(t.times ? { times: t.times.map((x) => ({ start_time: x.start, end_time: x.end })) } : {}),
        ...(t.location ? { location: t.location } : {}),
      },
    ],
  };
}

export function alertmanagerConfig(spec: AlertmanagerSpec) {
  const receivers = collect(spec.route, (r) => [r.receiver]);
  const intervals = collect(spec.route, (r) => [...r.muteTimeIntervals, ...r.activeTimeIntervals]);
  return {
    global: { resolve_timeout: spec.resolveTimeout?.toString() ?? "5m" },
    route: routeYaml(spec.route),
    inhibit_rules: spec.inhibitions.map((i) => ({
      source_matchers: formatMatchers(i.source),
      target_matchers: formatMatchers(i.target),
      equal: [...i.equal],
    })),
    receivers: receivers.map(receiverYaml),
    ...(intervals.length ? { time_intervals: intervals.map(timeIntervalYaml) } : {}),
  };
}

/** A label set and the receivers Alertmanager must route it to, in tree order. */
export interface RoutingCase {
  readonly alert: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly receivers: readonly string[];
}

/** The values of the environment label alerts may arrive with. */
export function environmentsOf(spec: AlertmanagerSpec): readonly string[] {
  return spec.environments ?? spec.namespaces ?? [];
}

/**
 * The labels an alert is sure to arrive with: its name, its static labels and, when its
 * expression keeps it (raw expressions may), each environment it can come from.
 */
export function routingLabelSets(spec: AlertmanagerSpec, alert: AlertRule): Record<string, string>[] {
  const base = { ...alert.labels, alertname: alert.name };
  if (alert.labels[environmentLabel] !== undefined) return [base];
  const keeps = alert.expr.origin !== undefined || alert.expr.labels.includes(environmentLabel);
  return keeps
    ? environmentsOf(spec).map((environment) => ({ ...base, [environmentLabel]: environment }))
    : [base];
}

export function amtoolCases(spec: AlertmanagerSpec, alerts: readonly AlertRule[]): RoutingCase[] {
  const seen = new Set<string>();
  const cases: RoutingCase[] = [];
  for (const alert of alerts) {
    for (const labels of routingLabelSets(spec, alert)) {
      const key = JSON.stringify(Object.entries(labels).sort());
      if (seen.has(key)) continue;
      seen.add(key);
      cases.push({
        alert: alert.name,
        labels,
        receivers: routeAlert(spec.route, labels).map((m) => m.receiver.name),
      });
    }
  }
  return cases;
}

/** Alerts that can end on a receiver with no integration: they would notify nobody. */
export function unroutedAlerts(spec: AlertmanagerSpec, alerts: readonly AlertRule[]): Finding[] {
  const findings: Finding[] = [];
  for (const alert of alerts) {
    for (const labels of routingLabelSets(spec, alert)) {
      for (const match of routeAlert(spec.route, labels)) {
        if (!isBlackhole(match.receiver)) continue;
        findings.push({
          severity: "error",
          rule: "alert-unrouted",
          message: `${alert.name}${labels[environmentLabel] ? ` in ${labels[environmentLabel]}` : ""} reaches no receiver: ${describeRoute(match)} has no integration`,
          ...(alert.location ? { location: alert.location } : {}),
          hint: "add a route that matches its labels, or give the receiver a webhook or Slack config",
        });
      }
    }
  }
  return findings;
}
