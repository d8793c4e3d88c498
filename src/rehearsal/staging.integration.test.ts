/**
 * The staging rehearsal on real binaries, from what flyby renders and applies:
 * - `flyby apply --env staging` writes the rendered objects to the fake API server, whose
 *   controller creates the Pods; the test plays the kubelet and writes their status with
 *   loopback pod IPs (127.0.0.2, 127.0.0.3), where the reference exporters listen;
 * - the real Prometheus runs the rendered prometheus.yml and the rendered rule files, laid out
 *   as its container sees them; pod discovery is the only substitute (src/core/local), built
 *   from the Pods the fake API server lists.
 * The scratch repository scrapes every second (values/common.yaml) so the test is quick.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeApplyTarget } from "../adapters/kube-target.ts";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { writeLocalContainer } from "../adapters/prometheus-checks.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { localPrometheus } from "../core/local/container.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { Fault, Role, type RunningExporter, startExporter } from "../exporter/exporter.ts";
import { tokenKubeConfig } from "../kube/cluster.ts";
import { freePort, installPrometheusHint } from "../smoke/demo/local-prometheus.ts";
import { deploySecrets, writeKubeconfig } from "../testing/apply/kubeconfig.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";

if (!Bun.which("prometheus")) throw new Error(installPrometheusHint);

/** Pod IPs by app: all loopback addresses, so the exporters can listen on them. */
const podIps: Record<string, string> = { "overflying-api": "127.0.0.2", "overflying-worker": "127.0.0.3" };

let repo: string;
let root: string;
let fake: FakeKube;
let prometheus: ReturnType<typeof Bun.spawn> | undefined;
let prometheusUrl = "";
const exporters = new Map<string, RunningExporter>();

/** Writes a Pod's status as the kubelet would once its containers run and pass readiness. */
async function kubeletRunning(pod: KubeObject, ip: string): Promise<void> {
  const path = `/api/v1/namespaces/${pod.metadata.namespace}/pods/${pod.metadata.name}/status`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const containers = (pod.spec as { containers: { name: string; image: string }[] }).containers;
  const status = {
    phase: "Running",
    podIP: ip,
    podIPs: [{ ip }],
    hostIP: "127.0.0.1",
    startTime: now,
    conditions: ["Initialized", "Ready", "ContainersReady", "PodScheduled"].map((type) => ({
      type,
      status: "True",
      lastTransitionTime: now,
    })),
    containerStatuses: containers.map((c) => ({
      name: c.name,
      image: c.image,
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: now } },
    })),
  };
  const res = await fetch(`${fake.url}${path}?fieldManager=kubelet`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${fake.adminToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ ...pod, status }),
  });
  if (res.status !== 200) throw new Error(`PUT ${path}: ${res.status} ${await res.text()}`);
}

async function query<T>(path: string): Promise<T> {
  const res = await fetch(`${prometheusUrl}${path}`);
  return ((await res.json()) as { data: T }).data;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await Bun.sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  repo = scratchRepo();
  const common = join(repo, "manifests", "values", "common.yaml");
  writeFileSync(common, readFileSync(common, "utf8").replace(/^scrapeInterval: .*$/m, "scrapeInterval: 1s"));
  fake = new FakeKube().start();
  const kubeconfig = writeKubeconfig(repo, fake.url, fake.adminToken);
  const applied = await runFlyby(
    ["apply", "--env", "staging", "--target", "cluster", "--kubeconfig", kubeconfig],
    repo,
    deploySecrets,
  );
  if (applied.code !== 0) throw new Error(`flyby apply exited ${applied.code}: ${applied.stderr}`);
  // The Deployment controller creates the ReplicaSets, then their Pods.
  fake.controller.reconcile();
  fake.controller.reconcile();

  const api = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "fake");
  for (const pod of await api.list({ apiVersion: "v1", kind: "Pod" }, "staging")) {
    const app = pod.metadata.labels?.["app.kubernetes.io/name"] ?? "";
    const ip = podIps[app];
    if (!ip) continue;
    await kubeletRunning(pod, ip);
    const port = Number(pod.metadata.annotations?.["prometheus.io/port"]);
    const role = app === "overflying-api" ? Role.Api : Role.Worker;
    exporters.set(app, await startExporter({ role, environment: "staging", hostname: ip, port, gpus: 1 }));
  }
  const pods = await api.list({ apiVersion: "v1", kind: "Pod" }, "staging");

  const tree = loadManifestTree(join(repo, "manifests"));
  const objects = [
    ...renderChecked(tree, "production").objects,
    ...renderChecked(tree, "staging").objects,
  ].map((r) => r.object);
  root = mkdtempSync(join(tmpdir(), "flyby-rehearsal-"));
  const local = localPrometheus(objects, pods, root);
  writeLocalContainer(local);
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = Bun.spawn(
    ["prometheus", ...local.args, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"],
    { stdout: "ignore", stderr: "ignore" },
  );
  await until("Prometheus ready", async () =>
    (await fetch(`${prometheusUrl}/-/ready`)).ok ? true : undefined,
  );
}, 60_000);

afterAll(async () => {
  prometheus?.kill("SIGTERM");
  await prometheus?.exited;
  for (const e of exporters.values()) await e.stop();
  await fake?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  if (repo) rmSync(repo, { recursive: true, force: true });
});

interface ActiveTarget {
  readonly labels: Record<string, string>;
  readonly health: string;
  readonly scrapeUrl: string;
}

describe("staging rehearsal: the rendered Prometheus scrapes the applied Pods", () => {
  test("GIVEN the applied Pods running WHEN Prometheus discovers them THEN the seed's jobs are up with their labels", async () => {
    expect(exporters.size).toBe(2);
    const up = await until("both staging targets up", async () => {
      const { activeTargets } = await query<{ activeTargets: ActiveTarget[] }>(
        "/api/v1/targets?state=active",
      );
      const staging = activeTargets.filter((t) => t.labels.job?.endsWith("-staging"));
      return staging.length === 2 && staging.every((t) => t.health === "up") ? staging : undefined;
    });
    const seen = up
      .map((t) => ({
        job: t.labels.job,
        environment: t.labels.environment,
        namespace: t.labels.namespace,
        service: t.labels.service,
        url: t.scrapeUrl,
        pod: t.labels.pod?.startsWith(`${t.labels.job?.replace(/-staging$/, "")}-`),
      }))
      .sort((a, b) => String(a.job).localeCompare(String(b.job)));
    expect(seen).toEqual([
      {
        job: "overflying-api-staging",
        environment: "staging",
        namespace: "staging",
        service: "api",
        url: "http://127.0.0.2:8000/metrics",
        pod: true,
      },
      {
        job: "overflying-worker-staging",
        environment: "staging",
        namespace: "staging",
        service: "worker",
        url: "http://127.0.0.3:8000/metrics",
        pod: true,
      },
    ]);
  }, 40_000);

  test("the rendered rule files load and evaluate without errors", async () => {
    const groups = await until("rules evaluated", async () => {
      const { groups } = await query<{ groups: { rules: { health: string; lastError?: string }[] }[] }>(
        "/api/v1/rules",
      );
      const rules = groups.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((r) => r.health === "ok") ? groups : undefined;
    });
    expect(groups.flatMap((g) => g.rules).filter((r) => r.lastError)).toEqual([]);
  }, 40_000);

  test("a GPU overheating on the worker Pod puts GpuOverheating pending for it", async () => {
    exporters.get("overflying-worker")?.setFaults([Fault.Overheating]);
    const alert = await until("GpuOverheating pending", async () => {
      const { alerts } = await query<{ alerts: { labels: Record<string, string>; state: string }[] }>(
        "/api/v1/alerts",
      );
      return alerts.find((a) => a.labels.alertname === "GpuOverheating");
    });
    expect(alert.state).toBe("pending");
    expect(alert.labels).toMatchObject({
      environment: "staging",
      namespace: "staging",
      gpu_id: "0",
      severity: "critical",
    });
    expect(alert.labels.pod).toStartWith("overflying-worker-");
  }, 40_000);
});
