/**
 * The generated alerting objects: the rules ConfigMap Prometheus mounts and Alertmanager's
 * configuration. Alertmanager's Deployment and Service are templates
 * (manifests/templates/observability/alertmanager.yaml.hbs), so its image is a value that
 * releases pin like every other.
 */
import type { KubeObject } from "../core/kube/object.ts";
import type { AlertsDefinition } from "./definition.ts";

export const alertmanagerPort = 9093;

function labels(name: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "flyby",
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": "overflying",
  };
}

export function alertsManifests(
  def: AlertsDefinition,
  ruleFiles: ReadonlyMap<string, string>,
  alertmanagerYaml: string,
): KubeObject[] {
  const namespace = def.deployment.namespace;
  return [
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "prometheus-rules", namespace, labels: labels("prometheus-rules") },
      data: Object.fromEntries([...ruleFiles].sort(([a], [b]) => (a < b ? -1 : 1))),
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "alertmanager-config", namespace, labels: labels("alertmanager") },
      data: { "alertmanager.yml": alertmanagerYaml },
    },
  ];
}
