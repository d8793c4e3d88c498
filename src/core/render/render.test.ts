import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { repoRoot, runFlyby, scratchRepo } from "../../testing/cli.ts";
import type { KubeObject } from "../kube/object.ts";
import { renderToText } from "./output.ts";
import { renderEnvironment } from "./render.ts";
import { createTemplateSet } from "./template.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

function find(objects: readonly { object: KubeObject }[], kind: string, name: string): KubeObject {
  const o = objects.find((r) => r.object.kind === kind && r.object.metadata.name === name)?.object;
  if (!o) throw new Error(`${kind} ${name} was not rendered`);
  return o;
}

describe("render", () => {
  test("each environment renders the same bytes twice, from separate runs of the CLI", async () => {
    for (const env of ["staging", "production"]) {
      const a = await runFlyby(["render", "--env", env], repoRoot);
      const b = await runFlyby(["render", "--env", env], repoRoot);
      expect(a.code).toBe(0);
      expect(a.stdout.length).toBeGreaterThan(1000);
      expect(b.stdout).toBe(a.stdout);
    }
  });

  test("keys come in kubectl's order and objects in apply order", () => {
    const text = renderToText(renderEnvironment(tree, "production").objects);
    for (const doc of text.split("---\n")) expect(doc).toMatch(/^apiVersion: .+\nkind: .+\nmetadata:\n/);
    const kinds = renderEnvironment(tree, "production").objects.map((r) => r.object.kind);
    expect(kinds.indexOf("Namespace")).toBeLessThan(kinds.indexOf("ClusterRole"));
    expect(kinds.lastIndexOf("ConfigMap")).toBeLessThan(kinds.indexOf("Service"));
    expect(kinds.lastIndexOf("Service")).toBeLessThan(kinds.indexOf("Deployment"));
  });

  test("each environment keeps only what it owns", () => {
    const staging = renderEnvironment(tree, "staging").objects.map((r) => r.object);
    const production = renderEnvironment(tree, "production").objects.map((r) => r.object);
    expect(new Set(staging.map((o) => o.metadata.namespace ?? o.metadata.name))).toEqual(
      new Set(["staging"]),
    );
    expect(staging.some((o) => o.kind === "ClusterRole")).toBe(false);
    expect(production.some((o) => o.metadata.namespace === "staging")).toBe(false);
    expect(production.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name)).toEqual([
      "infrastructure",
      "observability",
      "production",
    ]);
  });

  test("the seed's stack: Prometheus, Grafana, API and Worker as the guide describes them", () => {
    const { objects } = renderEnvironment(tree, "production");
    const prometheus = find(objects, "Deployment", "prometheus") as KubeObject & {
      spec: { template: { spec: { containers: { args: string[] }[] } } };
    };
    const args = prometheus.spec.template.spec.containers[0]?.args ?? [];
    expect(args).toContain("--storage.tsdb.retention.time=15d");
    expect(args).toContain("--storage.tsdb.retention.size=10GB");
    expect(find(objects, "PersistentVolumeClaim", "prometheus-data").spec).toMatchObject({
      resources: { requests: { storage: "20Gi" } },
    });
    expect(find(objects, "Service", "prometheus").spec).toMatchObject({
      type: "ClusterIP",
      ports: [{ port: 9090 }],
    });
    expect(find(objects, "Service", "grafana").spec).toMatchObject({
      type: "LoadBalancer",
      ports: [{ port: 3000 }],
    });
    expect(find(objects, "PersistentVolumeClaim", "grafana-data").spec).toMatchObject({
      resources: { requests: { storage: "10Gi" } },
    });
    const api = find(objects, "Deployment", "overflying-api") as KubeObject & {
      spec: { template: { metadata: { annotations: Record<string, string> } } };
    };
    expect(api.spec.template.metadata.annotations).toEqual({
      "prometheus.io/scrape": "true",
      "prometheus.io/port": "8000",
      "prometheus.io/path": "/metrics",
    });
    const worker = find(objects, "Deployment", "overflying-worker") as KubeObject & {
      spec: { template: { spec: Record<string, unknown> & { containers: { resources: object }[] } } };
    };
    expect(worker.spec.template.spec.nodeSelector).toEqual({
      "cloud.google.com/gke-accelerator": "nvidia-h100-80gb",
    });
    expect(worker.spec.template.spec.containers[0]?.resources).toMatchObject({
      limits: { "nvidia.com/gpu": 1 },
    });
  });

  test("prometheus.yml scrapes every environment's API and Worker every 15s and drops user_id", () => {
    const cm = find(renderEnvironment(tree, "production").objects, "ConfigMap", "prometheus-config");
    const config = Bun.YAML.parse((cm.data as Record<string, string>)["prometheus.yml"] as string) as {
      global: { scrape_interval: string };
      scrape_configs: { job_name: string; metric_relabel_configs?: { action: string; regex: string }[] }[];
    };
    expect(config.global.scrape_interval).toBe("15s");
    // The alerting rules generated from alerts/ are mounted and evaluated; alerts go to Alertmanager.
    expect(config).toMatchObject({
      rule_files: ["/etc/prometheus/rules/*.rules.yaml"],
      alerting: {
        alertmanagers: [{ static_configs: [{ targets: ["alertmanager.observability.svc:9093"] }] }],
      },
    });
    const production = renderEnvironment(tree, "production").objects.map((r) => r.object);
    expect(production.some((o) => o.kind === "ConfigMap" && o.metadata.name === "prometheus-rules")).toBe(
      true,
    );
    expect(production.some((o) => o.kind === "Deployment" && o.metadata.name === "alertmanager")).toBe(true);
    const jobs = config.scrape_configs.map((j) => j.job_name);
    for (const j of [
      "overflying-api-production",
      "overflying-api-staging",
      "overflying-worker-production",
      "overflying-worker-staging",
      "nats",
      "kubernetes-apiservers",
      "kubernetes-nodes",
    ]) {
      expect(jobs).toContain(j);
    }
    const api = config.scrape_configs.find((j) => j.job_name === "overflying-api-staging");
    expect(api?.metric_relabel_configs?.[0]).toMatchObject({ action: "labeldrop" });
    expect(new RegExp(`^(?:${api?.metric_relabel_configs?.[0]?.regex})$`).test("user_id")).toBe(true);
  });

  test("Grafana takes its admin from Secret grafana-admin, and no credential is rendered", async () => {
    const production = (await runFlyby(["render", "--env", "production"], repoRoot)).stdout;
    expect(production).toContain("name: grafana-admin");
    expect(production).not.toContain("admin123");
    expect(production).not.toMatch(/kind: Secret\n/);
    expect(production).toContain("folder: Overflying");
    for (const title of ["Overflying API - Detailed Metrics", "Overflying Worker - Detailed Metrics"]) {
      expect(production).toContain(title);
    }
  });

  test("--out writes one file per object and replaces the folder whole", async () => {
    const repo = scratchRepo();
    scratch.push(repo);
    const out = join(repo, "out");
    const extra = join(repo, "manifests/templates/services/extra.yaml.hbs");
    writeFileSync(
      extra,
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: {{env.namespace}}\ndata: {}\n",
    );
    const first = await runFlyby(["render", "--env", "staging", "--out", "out"], repo);
    expect(first.code).toBe(0);
    expect(readdirSync(join(out, "staging")).sort()).toContain("deployment-overflying-api.yaml");
    expect(existsSync(join(out, "staging/configmap-extra.yaml"))).toBe(true);
    rmSync(extra);
    // A failing render leaves the folder as it was.
    writeFileSync(join(repo, "manifests/values/staging.yaml"), "api:\n  replicas: many\n");
    const failed = await runFlyby(["render", "--env", "staging", "--out", "out"], repo);
    expect(failed.code).toBe(2);
    expect(existsSync(join(out, "staging/configmap-extra.yaml"))).toBe(true);
    // A successful one replaces it whole: a file of an object no longer rendered goes too.
    writeFileSync(join(repo, "manifests/values/staging.yaml"), "api:\n  replicas: 2\n");
    expect((await runFlyby(["render", "--env", "staging", "--out", "out"], repo)).code).toBe(0);
    expect(existsSync(join(out, "staging/configmap-extra.yaml"))).toBe(false);
    expect(readFileSync(join(out, "staging/deployment-overflying-api.yaml"), "utf8")).toContain(
      "replicas: 2",
    );
  });

  test("--out writes an object whose name is valid but too long for a file name", async () => {
    const repo = scratchRepo();
    scratch.push(repo);
    const name = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
    expect(name.length).toBe(253);
    writeFileSync(
      join(repo, "manifests/templates/services/extra.yaml.hbs"),
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: {{env.namespace}}\ndata: {}\n`,
    );
    const run = await runFlyby(["render", "--env", "staging", "--out", "out"], repo);
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 0,
      stderr: expect.stringContaining("wrote"),
    });
    const file = readdirSync(join(repo, "out/staging")).find((f) => f.startsWith("configmap-aaa"));
    expect(file).toMatch(/^configmap-a+\.b+\.c+\.d+-[0-9a-f]{12}\.yaml$/);
    expect(Buffer.byteLength(file as string)).toBeLessThanOrEqual(255);
    expect(readFileSync(join(repo, "out/staging", file as string), "utf8")).toContain(`name: ${name}`);
  });

  test("--help and usage errors follow the contract", async () => {
    expect((await runFlyby(["render", "--help"], repoRoot)).stdout).toContain("Usage: flyby render --env E");
    const missing = await runFlyby(["render"], repoRoot);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--env E is required");
    expect((await runFlyby(["render", "--bogus"], repoRoot)).code).toBe(2);
    expect((await runFlyby(["nope"], repoRoot)).code).toBe(2);
  });
});

describe("template line mapping", () => {
  test("lines from loops and partials map to the template line that wrote them", () => {
    const set = createTemplateSet({});
    set.addPartial("labels", "p.hbs", "a: {{name}}\nb: 2\n");
    const out = set.compile(
      "t.hbs",
      'list:\n{{#each items}}\n  - name: {{this}}\n{{/each}}\nmeta:\n  {{> labels name="x"}}\nend: 1\n',
    )({ items: ["one", "two"] });
    const at = (text: string) => {
      const i = out.lines.indexOf(text);
      return `${out.sources[i]?.file}:${out.sources[i]?.line}`;
    };
    expect(at("  - name: one")).toBe("t.hbs:3");
    expect(at("  - name: two")).toBe("t.hbs:3");
    expect(at("  a: x")).toBe("p.hbs:1");
    expect(at("  b: 2")).toBe("p.hbs:2");
    expect(at("end: 1")).toBe("t.hbs:7");
  });
});
