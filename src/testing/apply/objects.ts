import type { ApplyDeps, ApplyRequest } from "../../apply/apply.ts";
import type { KubeObject, RenderedObject } from "../../core/kube/object.ts";
import type { FakeKube } from "../fake-kube/server.ts";

/** Small objects of the kinds flyby applies, for apply tests and the benchmark. */
export const namespace = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name },
});

export const configMap = (
  namespace: string,
  name: string,
  data: Record<string, string> = { a: "1" },
): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace },
  data,
});

export const service = (namespace: string, name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace },
  spec: { selector: { app: name }, ports: [{ name: "http", port: 80, targetPort: 8080 }] },
});

export const deployment = (
  namespace: string,
  name: string,
  replicas = 1,
  image = "nginx:1.25-alpine",
): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } },
  },
});

export function rendered(objects: readonly KubeObject[]): RenderedObject[] {
  return objects.map((object, i) => ({
    object,
    source: { file: "templates/test.yaml.hbs", line: i * 10 + 1 },
  }));
}

export function request(objects: readonly KubeObject[], overrides: Partial<ApplyRequest> = {}): ApplyRequest {
  return {
    environment: "staging",
    appNamespace: "staging",
    namespaces: ["staging"],
    objects: rendered(objects),
    prune: false,
    wait: false,
    timeoutMs: 5000,
    dryRun: false,
    concurrency: 8,
    force: false,
    allowDestructive: new Set(),
    ...overrides,
  };
}

/** Real time, no backoff to speak of, progress lines collected. */
export function fastDeps(progress: string[] = []): ApplyDeps {
  return {
    policy: { attempts: 8, baseMs: 2, maxMs: 20 },
    sleep: (ms) => Bun.sleep(ms),
    random: Math.random,
    now: () => Date.now(),
    progress: (line) => progress.push(line),
  };
}

/** Puts an object on the fake cluster as another tool (`kubectl`) would, outside flyby's inventory. */
export async function seedAs(fake: FakeKube, manager: string, o: KubeObject): Promise<void> {
  const t = fake.cluster.resourceForKind(o.apiVersion, o.kind);
  if (!t) throw new Error(`the fake API does not serve ${o.apiVersion} ${o.kind}`);
  await fake.cluster.apply(
    t,
    o.metadata.namespace,
    o.metadata.name,
    structuredClone(o) as Record<string, unknown>,
    {
      manager,
      force: false,
      dryRun: false,
    },
  );
}
