/** The Kubernetes objects for alerting: the rules ConfigMap and Alertmanager itself. */
import type { KubeObject } from "../core/kube/object.ts";
import type { AlertsDefinition } from "./definition.ts";

export const alertmanagerPort = 9093;
const configDir = "/etc/alertmanager/config";
/** Where the Secret with the receiver token (and Slack URL) is mounted. */
export const secretsDir = "/etc/alertmanager/secrets";

function labels(name: string): Record<string, string> {
  return {
    "app.kubernetes.io/managed-by": "flyby",
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/part-of": "overflying",
  };
}

/** FNV-1a of the config, so a changed config rolls the Deployment. */
function checksum(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

export function alertsManifests(
  def: AlertsDefinition,
  ruleFiles: ReadonlyMap<string, string>,
  alertmanagerYaml: string,
): KubeObject[] {
  const namespace = def.deployment.namespace;
  const amLabels = labels("alertmanager");
  const selector = { "app.kubernetes.io/name": "alertmanager", "app.kubernetes.io/part-of": "overflying" };
  const probe = (path: string, initialDelaySeconds: number) => ({
    httpGet: { path, port: "http" },
    initialDelaySeconds,
    periodSeconds: 10,
    timeoutSeconds: 3,
    failureThreshold: 3,
  });
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
      metadata: { name: "alertmanager-config", namespace, labels: amLabels },
      data: { "alertmanager.yml": alertmanagerYaml },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "alertmanager", namespace, labels: amLabels },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: amLabels,
            annotations: { "flyby.dev/config-checksum": checksum(alertmanagerYaml) },
          },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 },
            containers: [
              {
                name: "alertmanager",
                image: def.deployment.image,
                args: [
                  `--config.file=${configDir}/alertmanager.yml`,
                  "--storage.path=/alertmanager",
                  `--web.listen-address=:${alertmanagerPort}`,
                ],
                ports: [{ name: "http", containerPort: alertmanagerPort, protocol: "TCP" }],
                resources: {
                  requests: { cpu: "50m", memory: "64Mi" },
                  limits: { cpu: "200m", memory: "256Mi" },
                },
                livenessProbe: probe("/-/healthy", 10),
                readinessProbe: probe("/-/ready", 5),
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true },
                volumeMounts: [
                  { name: "config", mountPath: configDir, readOnly: true },
                  { name: "secrets", mountPath: secretsDir, readOnly: true },
                  { name: "storage", mountPath: "/alertmanager" },
                ],
              },
            ],
            volumes: [
              { name: "config", configMap: { name: "alertmanager-config" } },
              { name: "secrets", secret: { secretName: def.deployment.secretName } },
              { name: "storage", emptyDir: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "alertmanager", namespace, labels: amLabels },
      spec: {
        selector,
        ports: [{ name: "http", port: alertmanagerPort, targetPort: "http", protocol: "TCP" }],
      },
    },
  ];
}
