import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const services = 200;

/** Five objects per service: ServiceAccount, ConfigMap, Service, Deployment, NetworkPolicy. */
const fleetTemplate = `{{#each (range ${services})}}
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: svc-{{this}}
  namespace: {{@root.env.namespace}}
  labels:
    {{> labels name=(concat "svc-" this) component="fleet"}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: svc-{{this}}-config
  namespace: {{@root.env.namespace}}
  labels:
    {{> labels name=(concat "svc-" this) component="fleet"}}
data:
  settings.yaml: |
    service: svc-{{this}}
    scrape_interval: {{@root.values.scrapeInterval}}
    retention: {{@root.values.prometheus.retentionTime}}
---
apiVersion: v1
kind: Service
metadata:
  name: svc-{{this}}
  namespace: {{@root.env.namespace}}
  labels:
    {{> labels name=(concat "svc-" this) component="fleet"}}
spec:
  selector:
    app.kubernetes.io/name: svc-{{this}}
  ports:
    - name: metrics
      port: 8000
      targetPort: metrics
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-{{this}}
  namespace: {{@root.env.namespace}}
  labels:
    {{> labels name=(concat "svc-" this) component="fleet"}}
spec:
  replicas: {{@root.values.api.replicas}}
  selector:
    matchLabels:
      app.kubernetes.io/name: svc-{{this}}
  template:
    metadata:
      labels:
        {{> labels name=(concat "svc-" this) component="fleet"}}
      annotations:
        {{> scrape-annotations port=8000}}
    spec:
      serviceAccountName: svc-{{this}}
      containers:
        - name: app
          image: {{image @root.values.api.image}}
          ports:
            - name: metrics
              containerPort: 8000
          readinessProbe:
            httpGet:
              path: /metrics
              port: metrics
          resources: {{json @root.values.api.resources}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: svc-{{this}}
  namespace: {{@root.env.namespace}}
  labels:
    {{> labels name=(concat "svc-" this) component="fleet"}}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: svc-{{this}}
  policyTypes: [Ingress]
  ingress:
    - ports:
        - protocol: TCP
          port: 8000
{{/each}}
`;

/**
 * A repository whose manifests render 1,000 objects: the real partials and values, one
 * environment `fleet`, and a template looping over 200 services.
 */
export function writeFleetRepo(repoRoot: string): string {
  const dir = mkdtempSync(join(tmpdir(), "flyby-fleet-"));
  const manifests = join(dir, "manifests");
  mkdirSync(join(manifests, "templates"), { recursive: true });
  cpSync(join(repoRoot, "manifests", "partials"), join(manifests, "partials"), { recursive: true });
  cpSync(join(repoRoot, "manifests", "values"), join(manifests, "values"), { recursive: true });
  writeFileSync(
    join(manifests, "environments.yaml"),
    `environments:
  fleet:
    clusters: [{ project: overflying, location: us-central1, name: overflying }]
    namespaces: [fleet]
    appNamespace: fleet
    values: [values/common.yaml, values/staging.yaml]
`,
  );
  writeFileSync(join(manifests, "templates", "fleet.yaml.hbs"), fleetTemplate);
  return dir;
}
