import {
  alert,
  count,
  group,
  increase,
  max,
  metric,
  type RuleFile,
  rate,
  type StackFacts,
  series,
  sum,
  up,
  upSeries,
  vector,
} from "../src/alerts/dsl.ts";

const api = { environment: "production", namespace: "production", job: "api", pod: "api-0" } as const;

export const natsPublishesStalled = alert({
  name: "NatsPublishesStalled",
  expr: sum(rate(metric("overflying_nats_events_published_total").over("10m")), { by: ["environment"] })
    .eq(0)
    .and(sum(rate(metric("overflying_jobs_created_total").over("10m")), { by: ["environment"] }).gt(0)),
  for: "10m",
  severity: "critical",
  team: "backend",
  summary: "The API publishes no NATS events in {{ $labels.environment }}",
  description:
    "Jobs are being created in {{ $labels.environment }} but the API published no NATS event for 10 minutes.",
  runbook: "streaming/nats-publishes-stalled",
  tests: [
    {
      name: "jobs created, nothing published",
      input: [
        series("overflying_nats_events_published_total", { ...api, event_type: "job.created" }, "50x120"),
        series("overflying_jobs_created_total", { ...api, priority: "high" }, "0+2x120"),
      ],
      at: "25m",
      fires: [{ labels: { environment: "production" } }],
    },
  ],
});

export const sseConnectionsZero = alert({
  name: "SseConnectionsZero",
  expr: sum(metric("overflying_sse_connections_active"), { by: ["environment"] }).eq(0),
  for: "15m",
  severity: "warning",
  team: "backend",
  summary: "No SSE client is connected in {{ $labels.environment }}",
  description:
    "The API in {{ $labels.environment }} had no active SSE connection for 15 minutes: clients may fail to connect.",
  runbook: "streaming/sse-connections-zero",
  tests: [
    {
      name: "connections drop to zero",
      input: [series("overflying_sse_connections_active", api, "3 0x100")],
      at: "20m",
      fires: [{ labels: { environment: "production" } }],
    },
  ],
});

export const targetDown = alert({
  name: "TargetDown",
  expr: count(up().eq(0), { by: ["environment", "job"] }).gt(0),
  for: "5m",
  severity: "warning",
  team: "platform",
  summary: "{{ $value }} targets of {{ $labels.job }} are down in {{ $labels.environment }}",
  description: "Prometheus failed to scrape {{ $value }} targets of job {{ $labels.job }} for 5 minutes.",
  runbook: "prometheus/target-down",
  tests: [
    {
      name: "one API target down",
      input: [
        upSeries({ ...api, service: "api" }, "0x40"),
        upSeries({ ...api, pod: "api-1", service: "api" }, "1x40"),
      ],
      at: "8m",
      fires: [{ labels: { environment: "production", job: "api" }, value: 1 }],
    },
  ],
});

/**
 * The shared stack's own alerts. Prometheus, Alertmanager and Grafana run once, rendered by
 * the environment that owns the observability namespace; their scrape jobs label their
 * series with that environment, so these alerts carry it too.
 */
export function stackRules(stack: StackFacts) {
  const owner = stack.observability.environment;
  /** Prometheus scrapes itself as a static target: job, instance and environment label its series. */
  const prometheus = { job: "prometheus", instance: "localhost:9090", environment: owner } as const;
  const alertmanager = {
    job: "alertmanager",
    instance: `alertmanager.${stack.observability.namespace}.svc:9093`,
    environment: owner,
  } as const;
  const retentionBytes = stack.observability.retentionSizeBytes;
  const retentionGiB = retentionBytes / 2 ** 30;

  const ruleEvaluationFailures = alert({
    name: "PrometheusRuleEvaluationFailures",
    expr: sum(increase(metric("prometheus_rule_evaluation_failures_total").over("5m")), {
      by: ["environment", "instance", "rule_group"],
    }).gt(0),
    for: "5m",
    severity: "warning",
    team: "platform",
    summary: "Rules of {{ $labels.rule_group }} fail to evaluate",
    description:
      "Prometheus failed {{ $value }} evaluations of rule group {{ $labels.rule_group }} in the last 5 minutes.",
    runbook: "prometheus/rule-evaluation-failures",
    tests: [
      {
        name: "one failure a minute",
        input: [
          series(
            "prometheus_rule_evaluation_failures_total",
            { ...prometheus, rule_group: "api" },
            "0+0.25x80",
          ),
        ],
        at: "15m",
        fires: [{ labels: { environment: owner, instance: "localhost:9090", rule_group: "api" }, value: 5 }],
      },
    ],
  });

  const compactionsFailing = alert({
    name: "PrometheusTsdbCompactionsFailing",
    expr: sum(increase(metric("prometheus_tsdb_compactions_failed_total").over("3h")), {
      by: ["environment", "instance"],
    }).gt(0),
    severity: "warning",
    team: "platform",
    summary: "TSDB compactions fail on {{ $labels.instance }}",
    description:
      "Prometheus {{ $labels.instance }} failed to compact its TSDB in the last 3 hours; disk use will grow.",
    runbook: "prometheus/tsdb-compactions-failing",
    tests: [
      {
        name: "a compaction failed",
        input: [series("prometheus_tsdb_compactions_failed_total", prometheus, "0x20 1x20")],
        at: "8m",
        fires: [{ labels: { environment: owner, instance: "localhost:9090" } }],
      },
    ],
  });

  const storageNearRetention = alert({
    name: "PrometheusStorageNearRetentionSize",
    expr: sum(metric("prometheus_tsdb_storage_blocks_bytes"), { by: ["environment", "instance"] })
      .div(retentionBytes)
      .gt(0.9),
    for: "30m",
    severity: "warning",
    team: "platform",
    summary: `Prometheus {{ $labels.instance }} storage is {{ $value | humanizePercentage }} of its ${retentionGiB} GiB retention size`,
    description:
      "TSDB blocks of {{ $labels.instance }} use more than 90% of the retention size: the oldest data is about to be dropped.",
    runbook: "prometheus/storage-near-retention",
    tests: [
      {
        name: `95% of ${retentionGiB} GiB of blocks`,
        input: [series("prometheus_tsdb_storage_blocks_bytes", prometheus, `${0.95 * retentionBytes}x200`)],
        at: "40m",
        fires: [
          {
            labels: { environment: owner, instance: "localhost:9090" },
            value: (0.95 * retentionBytes) / retentionBytes,
          },
        ],
      },
    ],
  });

  const grafanaDown = alert({
    name: "GrafanaDown",
    // The grafana scrape job labels its target with job, instance, pod and environment only.
    expr: up({ job: "grafana" }).eq(0),
    for: "5m",
    severity: "warning",
    team: "platform",
    summary: "Grafana {{ $labels.pod }} is down",
    description:
      "Prometheus could not scrape Grafana {{ $labels.pod }} for 5 minutes: dashboards are unavailable.",
    runbook: "grafana/down",
    tests: [
      {
        name: "Grafana stops answering",
        input: [
          upSeries(
            { job: "grafana", instance: "10.0.0.7:3000", pod: "grafana-0", environment: owner },
            "0x40",
          ),
        ],
        at: "8m",
        fires: [
          { labels: { job: "grafana", instance: "10.0.0.7:3000", pod: "grafana-0", environment: owner } },
        ],
      },
    ],
  });

  const notificationErrors = alert({
    name: "PrometheusAlertmanagerErrors",
    expr: sum(rate(metric("prometheus_notifications_errors_total").over("5m")), {
      by: ["environment", "instance", "alertmanager"],
    }).gt(0),
    for: "10m",
    severity: "critical",
    team: "platform",
    summary: "Prometheus fails to send alerts to {{ $labels.alertmanager }}",
    description:
      "Prometheus {{ $labels.instance }} got errors sending alerts to Alertmanager {{ $labels.alertmanager }} for 10 minutes ({{ $value | humanize }}/s): alerts may not reach anyone.",
    runbook: "alerting/prometheus-alertmanager-errors",
    tests: [
      {
        name: "6 errors every 15 s scrape",
        input: [
          series(
            "prometheus_notifications_errors_total",
            { ...prometheus, alertmanager: "http://alertmanager.observability.svc:9093/api/v2/alerts" },
            "0+6x80",
          ),
        ],
        at: "20m",
        fires: [
          {
            labels: {
              environment: owner,
              instance: "localhost:9090",
              alertmanager: "http://alertmanager.observability.svc:9093/api/v2/alerts",
            },
            value: 0.4,
          },
        ],
      },
      {
        name: "no errors",
        input: [series("prometheus_notifications_errors_total", prometheus, "0x80")],
        at: "20m",
        fires: [],
      },
    ],
  });

  const notificationsDropped = alert({
    name: "PrometheusDroppingAlerts",
    expr: sum(rate(metric("prometheus_notifications_dropped_total").over("5m")), {
      by: ["environment", "instance"],
    }).gt(0),
    for: "5m",
    severity: "critical",
    team: "platform",
    summary: "Prometheus {{ $labels.instance }} drops alerts",
    description:
      "Prometheus {{ $labels.instance }} dropped alerts it could not send to Alertmanager for 5 minutes: they are lost.",
    runbook: "alerting/prometheus-dropping-alerts",
    tests: [
      {
        name: "alerts dropped",
        input: [series("prometheus_notifications_dropped_total", prometheus, "0+3x80")],
        at: "15m",
        fires: [{ labels: { environment: owner, instance: "localhost:9090" } }],
      },
    ],
  });

  const noAlertmanager = alert({
    name: "PrometheusNotConnectedToAlertmanager",
    expr: max(metric("prometheus_notifications_alertmanagers_discovered"), {
      by: ["environment", "instance"],
    }).lt(1),
    for: "10m",
    severity: "critical",
    team: "platform",
    summary: "Prometheus {{ $labels.instance }} knows no Alertmanager",
    description:
      "Prometheus {{ $labels.instance }} has discovered no Alertmanager for 10 minutes: no alert leaves it.",
    runbook: "alerting/prometheus-no-alertmanager",
    tests: [
      {
        name: "no Alertmanager discovered",
        input: [series("prometheus_notifications_alertmanagers_discovered", prometheus, "1 0x80")],
        at: "15m",
        fires: [{ labels: { environment: owner, instance: "localhost:9090" } }],
      },
      {
        name: "one Alertmanager",
        input: [series("prometheus_notifications_alertmanagers_discovered", prometheus, "1x80")],
        at: "15m",
        fires: [],
      },
    ],
  });

  const notificationsFailing = alert({
    name: "AlertmanagerNotificationsFailing",
    expr: sum(rate(metric("alertmanager_notifications_failed_total").over("5m")), {
      by: ["environment", "instance", "integration"],
    }).gt(0),
    for: "10m",
    severity: "critical",
    team: "platform",
    summary: "Alertmanager fails to notify through {{ $labels.integration }}",
    description:
      "Alertmanager {{ $labels.instance }} failed to deliver {{ $labels.integration }} notifications for 10 minutes: the edge receiver may be down or refuse its token.",
    runbook: "alerting/alertmanager-notifications-failing",
    tests: [
      {
        name: "webhook deliveries fail",
        input: [
          series(
            "alertmanager_notifications_failed_total",
            { ...alertmanager, integration: "webhook" },
            "0+2x80",
          ),
        ],
        at: "20m",
        fires: [{ labels: { environment: owner, instance: alertmanager.instance, integration: "webhook" } }],
      },
      {
        name: "deliveries succeed",
        input: [
          series(
            "alertmanager_notifications_failed_total",
            { ...alertmanager, integration: "webhook" },
            "0x80",
          ),
        ],
        at: "20m",
        fires: [],
      },
    ],
  });

  return {
    prometheus: [ruleEvaluationFailures, compactionsFailing, storageNearRetention],
    alerting: [notificationErrors, notificationsDropped, noAlertmanager, notificationsFailing],
    grafana: [grafanaDown],
  };
}

/**
 * The dead man's switch: always firing, one per environment, routed every minute to that
 * environment's edge receiver, which notifies when it stops arriving.
 */
export function watchdogs(stack: StackFacts) {
  const rules = stack.environments.map((env) =>
    alert({
      name: "Watchdog",
      expr: vector(1),
      severity: "none",
      team: "platform",
      labels: { environment: env.name },
      summary: `The alerting pipeline of ${env.name} is alive`,
      description:
        "This alert always fires. If the receiver stops getting it, Prometheus, Alertmanager or the path between them is down.",
      runbook: "alerting/watchdog",
      tests: [],
    }),
  );
  // One test for them all: at any time, every environment's Watchdog fires.
  const [first, ...rest] = rules;
  if (!first) return [];
  const test = {
    name: "always fires, once per environment",
    input: [],
    at: "1m",
    fires: rules.map((rule) => ({ labels: {}, rule })),
  } as const;
  return [{ ...first, tests: [test] }, ...rest];
}

export const platformRules = (stack: StackFacts): RuleFile => {
  const own = stackRules(stack);
  return {
    name: "platform",
    groups: [
      group("streaming", [natsPublishesStalled, sseConnectionsZero]),
      group("prometheus", [targetDown, ...own.prometheus]),
      group("alerting", [...watchdogs(stack), ...own.alerting]),
      group("grafana", own.grafana),
    ],
  };
};
