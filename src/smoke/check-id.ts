import { type Finding, Severity } from "../core/finding.ts";

/** Every smoke check, in the order the report lists them. */
export const CheckId = {
  PrometheusReady: "prometheus-ready",
  PrometheusConfig: "prometheus-config",
  PrometheusRules: "prometheus-rules",
  TargetsPresent: "targets-present",
  TargetsUp: "targets-up",
  TargetsFresh: "targets-fresh",
  MetricsPresent: "metrics-present",
  MetricsType: "metrics-type",
  GpuPresent: "gpu-present",
  GpuValues: "gpu-values",
  GpuFresh: "gpu-fresh",
  ScrapeFormat: "scrape-format",
  ScrapeFamilies: "scrape-families",
  ExampleQueries: "example-queries",
  GrafanaHealth: "grafana-health",
  GrafanaDatasource: "grafana-datasource",
  GrafanaDashboards: "grafana-dashboards",
  GrafanaData: "grafana-data",
} as const;
export type CheckId = (typeof CheckId)[keyof typeof CheckId];

export const checkOrder: readonly CheckId[] = Object.values(CheckId);

const annotations =
  'prometheus.io/scrape: "true", prometheus.io/port: "8000", prometheus.io/path: "/metrics"';

/** The seed guide's troubleshooting advice, one line per check. */
export const hints: Record<CheckId, string> = {
  "prometheus-ready":
    "Prometheus is not ready: kubectl get pods -n observability -l app=prometheus; kubectl logs -n observability -l app=prometheus",
  "prometheus-config":
    "the configuration did not load: check the Prometheus ConfigMap and kubectl logs -n observability -l app=prometheus",
  "prometheus-rules":
    "a rule group does not evaluate: check it with promtool check rules and read the Prometheus logs",
  "targets-present": `no target for the job: check the pod's prometheus.io/scrape|port|path annotations (${annotations}) and the Prometheus logs`,
  "targets-up":
    "target down: check the pod's prometheus.io/scrape|port|path annotations and that /metrics answers on port 8000 (kubectl logs <pod> | grep Metrics)",
  "targets-fresh":
    "Last Scrape is old: read the Prometheus logs; restart it with kubectl rollout restart deployment/prometheus -n observability",
  "metrics-present":
    'metric missing: curl the pod\'s /metrics | grep overflying, and check the OpenTelemetry initialisation in its logs (kubectl logs <pod> | grep -i "metric\\|telemetry")',
  "metrics-type":
    "the exposed TYPE differs from the metric catalog: fix the instrument kind in the service (counter, gauge or histogram)",
  "gpu-present":
    "GPU series missing: check the worker's GPU collector and its logs (kubectl logs <worker-pod> | grep -i gpu)",
  "gpu-values":
    "GPU value out of range, NaN or a DCGM sentinel: the driver reports the field as blank or unsupported; check nvidia-smi on the node",
  "gpu-fresh":
    "GPU series stopped: the collector no longer updates it; check the worker's GPU collector and restart the pod",
  "scrape-format":
    "the /metrics body is not valid Prometheus text: check the metrics library and kubectl exec <pod> -- curl localhost:8000/metrics",
  "scrape-families":
    "family missing or mistyped on /metrics: curl the pod's /metrics | grep overflying and compare with the metric catalog",
  "example-queries":
    'a query from the guide fails: check metric names in Prometheus with {__name__=~"overflying.*"}',
  "grafana-health":
    "Grafana is unhealthy: kubectl get pods -n observability -l app=grafana and read its logs",
  "grafana-datasource":
    "Test the Prometheus datasource at /datasources; check the datasource URL in the Grafana ConfigMap",
  "grafana-dashboards": "dashboard missing: apply the Grafana dashboard ConfigMaps and restart Grafana",
  "grafana-data":
    'No data: check the targets are UP with a recent Last Scrape, and that metric names match the dashboard queries ({__name__=~"overflying.*"})',
};

/** A failed check as a Finding: rule is the check id, hint is the seed's advice. */
export function failure(check: CheckId, message: string): Finding {
  return { severity: Severity.Error, rule: check, message, hint: hints[check] };
}

export function warning(check: CheckId, message: string): Finding {
  return { severity: Severity.Warning, rule: check, message, hint: hints[check] };
}
