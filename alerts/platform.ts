import {
  alert,
  count,
  group,
  increase,
  metric,
  type RuleFile,
  rate,
  series,
  sum,
  up,
  upSeries,
} from "../src/alerts/dsl.ts";

const api = { namespace: "production", job: "api", pod: "api-0" } as const;
/** Prometheus scrapes itself as a static target: only job and instance label its series. */
const prometheus = { job: "prometheus", instance: "localhost:9090" } as const;
/** The seed's `--storage.tsdb.retention.size=10GB` (Prometheus reads GB as GiB). */
const retentionBytes = 10 * 2 ** 30;

export const natsPublishesStalled = alert({
  name: "NatsPublishesStalled",
  expr: sum(rate(metric("overflying_nats_events_published_total").over("10m")), { by: ["namespace"] })
    .eq(0)
    .and(sum(rate(metric("overflying_jobs_created_total").over("10m")), { by: ["namespace"] }).gt(0)),
  for: "10m",
  severity: "critical",
  team: "backend",
  summary: "The API publishes no NATS events in {{ $labels.namespace }}",
  description:
    "Jobs are being created in {{ $labels.namespace }} but the API published no NATS event for 10 minutes.",
  runbook: "streaming/nats-publishes-stalled",
  tests: [
    {
      name: "jobs created, nothing published",
      input: [
        series("overflying_nats_events_published_total", { ...api, event_type: "job.created" }, "50x120"),
        series("overflying_jobs_created_total", { ...api, priority: "high" }, "0+2x120"),
      ],
      at: "25m",
      fires: [{ labels: { namespace: "production" } }],
    },
  ],
});

export const sseConnectionsZero = alert({
  name: "SseConnectionsZero",
  expr: sum(metric("overflying_sse_connections_active"), { by: ["namespace"] }).eq(0),
  for: "15m",
  severity: "warning",
  team: "backend",
  summary: "No SSE client is connected in {{ $labels.namespace }}",
  description:
    "The API in {{ $labels.namespace }} had no active SSE connection for 15 minutes: clients may fail to connect.",
  runbook: "streaming/sse-connections-zero",
  tests: [
    {
      name: "connections drop to zero",
      input: [series("overflying_sse_connections_active", api, "3 0x100")],
      at: "20m",
      fires: [{ labels: { namespace: "production" } }],
    },
  ],
});

export const targetDown = alert({
  name: "TargetDown",
  expr: count(up().eq(0), { by: ["namespace", "job"] }).gt(0),
  for: "5m",
  severity: "warning",
  team: "platform",
  summary: "{{ $value }} targets of {{ $labels.job }} are down in {{ $labels.namespace }}",
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
      fires: [{ labels: { namespace: "production", job: "api" }, value: 1 }],
    },
  ],
});

export const ruleEvaluationFailures = alert({
  name: "PrometheusRuleEvaluationFailures",
  expr: sum(increase(metric("prometheus_rule_evaluation_failures_total").over("5m")), {
    by: ["instance", "rule_group"],
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
      fires: [{ labels: { instance: "localhost:9090", rule_group: "api" }, value: 5 }],
    },
  ],
});

export const compactionsFailing = alert({
  name: "PrometheusTsdbCompactionsFailing",
  expr: sum(increase(metric("prometheus_tsdb_compactions_failed_total").over("3h")), {
    by: ["instance"],
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
      fires: [{ labels: { instance: "localhost:9090" } }],
    },
  ],
});

export const storageNearRetention = alert({
  name: "PrometheusStorageNearRetentionSize",
  expr: sum(metric("prometheus_tsdb_storage_blocks_bytes"), { by: ["instance"] })
    .div(retentionBytes)
    .gt(0.9),
  for: "30m",
  severity: "warning",
  team: "platform",
  summary:
    "Prometheus {{ $labels.instance }} storage is {{ $value | humanizePercentage }} of its 10GB retention size",
  description:
    "TSDB blocks of {{ $labels.instance }} use more than 90% of the retention size: the oldest data is about to be dropped.",
  runbook: "prometheus/storage-near-retention",
  tests: [
    {
      name: "9.5 GiB of blocks",
      input: [series("prometheus_tsdb_storage_blocks_bytes", prometheus, `${9.5 * 2 ** 30}x200`)],
      at: "40m",
      fires: [{ labels: { instance: "localhost:9090" }, value: 0.95 }],
    },
  ],
});

export const grafanaDown = alert({
  name: "GrafanaDown",
  // The grafana scrape job labels its target with job, instance and pod only.
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
      input: [upSeries({ job: "grafana", instance: "10.0.0.7:3000", pod: "grafana-0" }, "0x40")],
      at: "8m",
      fires: [{ labels: { job: "grafana", instance: "10.0.0.7:3000", pod: "grafana-0" } }],
    },
  ],
});

export const platform: RuleFile = {
  name: "platform",
  groups: [
    group("streaming", [natsPublishesStalled, sseConnectionsZero]),
    group("prometheus", [targetDown, ruleEvaluationFailures, compactionsFailing, storageNearRetention]),
    group("grafana", [grafanaDown]),
  ],
};
