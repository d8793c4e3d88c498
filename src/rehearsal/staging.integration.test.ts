/**
 * The staging rehearsal on real binaries, from what flyby renders and applies:
 * - `flyby apply --env staging` writes the rendered objects to the fake API server, whose
 *   controller creates the Pods; the test plays the kubelet and writes their status with
 *   loopback pod IPs (127.0.0.2, 127.0.0.3), where the reference exporters listen;
 * - the real Prometheus runs the rendered prometheus.yml and the rendered rule files, laid out
 *   as its container sees them; pod discovery is the only substitute (src/core/local), built
 *   from the Pods the fake API server lists;
 * - the real Alertmanager runs the rendered alertmanager.yml with the receiver token from the
 *   Secret apply builds; its webhooks go to the receiver (Bun adapter) instead of the edge
 *   address in values, and the receiver posts to fake Slack and GitHub (which also holds the
 *   staging Deployment the receiver quotes).
 * Time is compressed, nothing else: the scratch repository scrapes every second
 * (values/common.yaml), rule `for` durations, Prometheus's resend delay and Alertmanager's
 * group and repeat intervals become one second, and the dead man's switch's window three
 * seconds.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { writeLocalContainer } from "../adapters/prometheus-checks.ts";
import { buildEnvironmentSecrets } from "../apply/secrets.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { localAlertmanager, localPrometheus } from "../core/local/container.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { freePort, installPrometheusHint } from "../demo/local-prometheus.ts";
import { Fault, Role, type RunningExporter, startExporter } from "../exporter/exporter.ts";
import { serveWithBun } from "../receiver/bun/serve.ts";
import { MemoryStore } from "../receiver/store.ts";
import { deploySecrets, writeKubeconfig } from "../testing/apply/kubeconfig.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { alertmanagerBinary } from "../testing/receiver/alertmanager.ts";
import { FakeSlack } from "../testing/receiver/fake-slack.ts";
import { ReceiverGitHub } from "../testing/receiver/github.ts";
import { receiverFromEnv } from "../wiring/web-world.ts";

if (!Bun.which("prometheus")) throw new Error(installPrometheusHint);

/** Pod IPs by app: all loopback addresses, so the exporters can listen on them. */
const podIps: Record<string, string> = { "overflying-api": "127.0.0.2", "overflying-worker": "127.0.0.3" };

let repo: string;
let root: string;
let fake: FakeKube;
let prometheus: ReturnType<typeof Bun.spawn> | undefined;
let alertmanager: ReturnType<typeof Bun.spawn> | undefined;
let receiver: ReturnType<typeof serveWithBun> | undefined;
let prometheusUrl = "";
const slack = new FakeSlack();
const github = new ReceiverGitHub();
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

/** Alertmanager's group and repeat intervals compressed to a second, for a quick test. */
function quickRoutes(route: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...route };
  for (const k of ["group_wait", "group_interval", "repeat_interval"]) if (k in out) out[k] = "1s";
  if (Array.isArray(out.routes))
    out.routes = out.routes.map((r) => quickRoutes(r as Record<string, unknown>));
  return out;
}

/** Starts a process and waits until its HTTP endpoint answers 200. */
async function startServing(argv: string[], readyUrl: string): Promise<ReturnType<typeof Bun.spawn>> {
  const child = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
  await until(readyUrl, async () => ((await fetch(readyUrl)).ok ? true : undefined));
  return child;
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

  // The receiver, as the Bun adapter serves it, delivering to fake Slack and GitHub.
  slack.start();
  github.start();
  // What staging runs, as the staging workflow records it: the receiver says how long after it an alert fired.
  const deployedAt = new Date(Date.now() - 4 * 60_000).toISOString();
  github.addDeployment({
    environment: "staging",
    ref: "v1.4.2",
    sha: "0123456789abcdef0123456789abcdef01234567",
    created_at: deployedAt,
    statuses: [{ state: "success", created_at: deployedAt }],
  });
  const edge = receiverFromEnv(
    {
      FLYBY_RECEIVER_TOKEN: deploySecrets.FLYBY_RECEIVER_TOKEN,
      FLYBY_RECEIVER_WATCHDOG_SILENCE: "3s",
      FLYBY_RECEIVER_CONFIG: JSON.stringify({
        sinks: [
          { type: "slack", name: "slack", url: slack.url },
          { type: "github", name: "github", repo: github.repo, token: github.token, apiUrl: github.url },
        ],
        watchdog: { every: "250ms" },
        deployments: { repo: github.repo, token: github.token, apiUrl: github.url },
      }),
    },
    { store: () => new MemoryStore() },
  );
  receiver = serveWithBun(edge, 0, "127.0.0.1");

  // Alertmanager with the Secret apply builds; every edge receiver address goes to the local one.
  const withSecrets = [...objects, ...buildEnvironmentSecrets(objects, deploySecrets)];
  const renderedAm = localAlertmanager(withSecrets, join(root, "alertmanager"));
  const edges = new Set(
    (
      parse(renderedAm.files.get(renderedAm.configFile) as string).receivers as {
        webhook_configs?: { url: string }[];
      }[]
    )
      .flatMap((r) => r.webhook_configs ?? [])
      .map((w) => new URL(w.url).origin),
  );
  const am = localAlertmanager(
    withSecrets,
    join(root, "alertmanager"),
    Object.fromEntries([...edges].map((origin) => [origin, `http://127.0.0.1:${receiver?.port}`])),
  );
  const amConfig = parse(am.files.get(am.configFile) as string);
  amConfig.route = quickRoutes(amConfig.route);
  am.files.set(am.configFile, stringify(amConfig));
  writeLocalContainer(am);
  const amPort = await freePort();
  alertmanager = await startServing(
    [
      alertmanagerBinary(),
      ...am.args.filter((a) => !a.startsWith("--web.listen-address=")),
      `--web.listen-address=127.0.0.1:${amPort}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    `http://127.0.0.1:${amPort}/-/ready`,
  );

  // Prometheus, sending to that Alertmanager; rule `for` durations compressed to a second.
  const local = localPrometheus(objects, pods, join(root, "prometheus"), {
    "alertmanager.observability.svc:9093": `127.0.0.1:${amPort}`,
  });
  for (const [file, text] of local.files) {
    if (/\.rules\.ya?ml$/.test(file)) local.files.set(file, text.replace(/^(\s+for: )\S+$/gm, "$11s"));
  }
  writeLocalContainer(local);
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = await startServing(
    [
      "prometheus",
      ...local.args,
      `--web.listen-address=127.0.0.1:${port}`,
      // Alerts that fire at the first evaluation, before Alertmanager is known, are resent
      // after this delay (default 1m).
      "--rules.alert.resend-delay=1s",
      "--log.level=warn",
    ],
    `${prometheusUrl}/-/ready`,
  );
}, 60_000);

afterAll(async () => {
  for (const child of [prometheus, alertmanager]) {
    child?.kill("SIGTERM");
    await child?.exited;
  }
  await receiver?.stop(true);
  await slack.stop();
  await github.stop();
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

const slackText = () => slack.posts.map((p) => JSON.stringify(p.body));
const issuesAbout = (name: string) => github.issues.issues.filter((i) => i.title.includes(name));

describe("staging rehearsal: the alert reaches the sinks through the rendered Alertmanager and the receiver", () => {
  test("GIVEN the GPU still overheating WHEN the alert fires THEN Slack and a GitHub issue get it, labelled staging", async () => {
    await until("a GitHub issue for GpuOverheating", async () =>
      issuesAbout("GpuOverheating").length ? true : undefined,
    );
    const issue = issuesAbout("GpuOverheating")[0];
    expect(issue?.state).toBe("open");
    expect(issue?.title).toContain("staging");
    const post = slackText().find((t) => t.includes("GpuOverheating"));
    expect(post).toContain("staging");
    // The deploy information: the alert came minutes after v1.4.2 reached staging.
    expect(post).toMatch(/fired \d+ min after v1\.4\.2 reached staging/);
    // The Watchdog is a heartbeat, never a message.
    expect(slackText().some((t) => t.includes('"Watchdog'))).toBe(false);
  }, 40_000);

  test("WHEN the fault clears THEN the alert resolves and its GitHub issue closes", async () => {
    exporters.get("overflying-worker")?.setFaults([]);
    await until("the GpuOverheating issue closed", async () =>
      issuesAbout("GpuOverheating").every((i) => i.state === "closed") ? true : undefined,
    );
    expect(issuesAbout("GpuOverheating")).toHaveLength(1);
  }, 60_000);

  test("WHEN Prometheus dies THEN the dead man's switch tells the sinks once that staging fell silent", async () => {
    const silentPosts = () =>
      slackText().filter((t) => t.includes("WatchdogSilent") && t.includes("staging"));
    const metrics = async () =>
      (
        await fetch(`http://127.0.0.1:${receiver?.port}/metrics`, {
          headers: { Authorization: `Bearer ${deploySecrets.FLYBY_RECEIVER_TOKEN}` },
        })
      ).text();
    await until("staging's Watchdog at the receiver", async () =>
      (await metrics()).includes('flyby_receiver_watchdog_heartbeats_total{environment="staging"}')
        ? true
        : undefined,
    );
    expect(silentPosts()).toEqual([]);
    prometheus?.kill("SIGKILL");
    await prometheus?.exited;
    await until("the silence announced", async () => (silentPosts().length > 0 ? true : undefined));
    await Bun.sleep(1500);
    expect(silentPosts()).toHaveLength(1);
  }, 60_000);
});
