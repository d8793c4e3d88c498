import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { EnvironmentError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { liveDiff } from "../diff/live.ts";
import { Redactor } from "../diff/redact.ts";
import { renderJson, renderMarkdown, renderText } from "../diff/report.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { KubeCluster, tokenKubeConfig } from "./cluster.ts";

const managed = { "app.kubernetes.io/managed-by": "flyby" };

function deployment(replicas: number, image = "ghcr.io/overflying/api:1.0.0"): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "api", namespace: "staging", labels: { ...managed, app: "api" } },
    spec: {
      replicas,
      selector: { matchLabels: { app: "api" } },
      template: {
        metadata: { labels: { app: "api" } },
        spec: { containers: [{ name: "api", image, ports: [{ containerPort: 8000 }] }] },
      },
    },
  };
}

const configMap = (name: string): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace: "staging", labels: managed },
  data: { LOG_LEVEL: "info" },
});

const secret = (password: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "db", namespace: "staging", labels: managed },
  stringData: { password, user: "overflying" },
});

const namespace: KubeObject = {
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name: "staging", labels: managed },
};

async function seed(fake: FakeKube, objects: KubeObject[]): Promise<void> {
  const cluster = new KubeCluster(tokenKubeConfig(fake.url, fake.adminToken));
  for (const o of objects) {
    const t = fake.cluster.resourceForKind(o.apiVersion, o.kind);
    if (!t) throw new Error(`no resource for ${o.kind}`);
    await fake.cluster.apply(
      t,
      o.metadata.namespace,
      o.metadata.name,
      structuredClone(o) as Record<string, unknown>,
      {
        manager: "flyby",
        force: false,
        dryRun: false,
      },
    );
  }
  expect(cluster.server).toBe(fake.url);
}

describe("live diff against the fake API server through @kubernetes/client-node", () => {
  const fake = new FakeKube({
    tokens: {
      "admin-token": { name: "admin", groups: ["system:masters"] },
      "viewer-token": { name: "viewer", groups: ["system:authenticated"] },
    },
    authorize: (a) =>
      a.user.groups.includes("system:masters") ||
      (a.user.name === "viewer" && (a.verb === "list" || a.verb === "get")),
  });
  beforeAll(async () => {
    fake.start();
    await seed(fake, [namespace, deployment(2), configMap("old"), secret("hunter2-old-password")]);
    fake.controller.reconcile();
  });
  afterAll(async () => {
    await fake.stop();
  });

  const rendered = () => [namespace, deployment(3), configMap("new"), secret("s3cr3t-new-password")];

  test("GIVEN a changed, a new and a dropped object WHEN diffed live THEN each is classified with its paths", async () => {
    const cluster = new KubeCluster(tokenKubeConfig(fake.url, fake.adminToken));
    fake.requests.length = 0;
    const { objects, blocked } = await liveDiff(rendered(), cluster, { redactor: new Redactor("salt") });
    expect(blocked).toEqual([]);
    const byName = Object.fromEntries(objects.map((o) => [`${o.ref.kind}/${o.ref.name}`, o]));
    expect(byName["Deployment/api"]?.change).toBe("changed");
    expect(byName["Deployment/api"]?.paths).toEqual(["spec.replicas"]);
    expect(byName["Deployment/api"]?.diff).toContain("-  replicas: 2\n+  replicas: 3");
    expect(byName["ConfigMap/new"]?.change).toBe("added");
    expect(byName["ConfigMap/old"]?.change).toBe("removed");
    expect(byName["ConfigMap/old"]?.risks).toEqual(["deletion"]);
    expect(byName["Namespace/staging"]?.change).toBe("unchanged");
    expect(byName["Secret/db"]?.secretKeys).toEqual({ added: [], removed: [], changed: ["password"] });

    const dryRuns = fake.requests.filter((r) => r.dryRun);
    const lists = fake.requests.filter((r) => r.verb === "list");
    expect(dryRuns.length).toBe(3);
    expect(lists.length).toBe(4);
  });

  test("no output format carries a Secret value", async () => {
    const cluster = new KubeCluster(tokenKubeConfig(fake.url, fake.adminToken));
    const { objects, blocked } = await liveDiff(rendered(), cluster, { redactor: new Redactor("salt") });
    const env = { environment: "staging", against: "cluster", objects, blocked };
    const outputs = [renderJson([env]), renderText([env], true), ...renderMarkdown(env)];
    const values = ["hunter2-old-password", "s3cr3t-new-password", "overflying"];
    for (const v of [...values, ...values.map((x) => Buffer.from(x).toString("base64"))]) {
      for (const out of outputs) expect(out).not.toContain(v);
    }
    expect(outputs.join("")).toContain("keys changed: password");
  });

  test("a forbidden dry run becomes a row, not a crash", async () => {
    const cluster = new KubeCluster(tokenKubeConfig(fake.url, "viewer-token"));
    const { blocked } = await liveDiff(rendered(), cluster, { redactor: new Redactor("salt") });
    expect(blocked.map((b) => `${b.ref.kind}/${b.ref.name}: ${b.reason}`)).toEqual([
      "Deployment/api: cannot diff: forbidden (patch, deployments)",
      "Namespace/staging: cannot diff: forbidden (patch, namespaces)",
      "Secret/db: cannot diff: forbidden (patch, secrets)",
    ]);
  });

  test("an object the API server would reject becomes a row with the server's reason", async () => {
    const cluster = new KubeCluster(tokenKubeConfig(fake.url, fake.adminToken));
    const moved = deployment(2);
    (moved.spec as { selector: unknown }).selector = { matchLabels: { app: "elsewhere" } };
    const { blocked } = await liveDiff([moved], cluster, { redactor: new Redactor("salt") });
    expect(blocked.map((b) => b.reason)).toEqual([
      'the API server would reject it (422): Deployment.apps "api" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"elsewhere"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  test("an API server that does not answer in time is an EnvironmentError", async () => {
    const slow = new FakeKube({ fault: async () => (await Bun.sleep(400)) ?? undefined }).start();
    try {
      const cluster = new KubeCluster(tokenKubeConfig(slow.url, slow.adminToken), 100);
      const error = await cluster.list("v1", "ConfigMap", "staging").catch((e) => e);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect(String(error.message)).toContain(`${slow.url} did not answer within 0.1 s`);
    } finally {
      await slow.stop();
    }
  });

  test("an unreachable API server is an EnvironmentError naming the URL and the cause", async () => {
    const cluster = new KubeCluster(tokenKubeConfig("http://127.0.0.1:9", "t"));
    const error = await cluster.list("v1", "ConfigMap", "staging").catch((e) => e);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(String(error.message)).toContain("http://127.0.0.1:9");
    expect(String(error.message)).toMatch(/ECONNREFUSED|Unable to connect|refused/i);
  });
});
