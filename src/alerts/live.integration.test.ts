/**
 * End to end on real components: the reference exporter (with a GPU forced to 95 °C), the
 * Debian `prometheus` evaluating the generated rules, the Debian `prometheus-alertmanager`
 * routing with the generated alertmanager.yml, and a webhook on loopback.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { gpuOverheating } from "../../alerts/worker.ts";
import { writeAtomically } from "../adapters/alerts-files.ts";
import { Duration } from "../core/duration.ts";
import { type RunningExporter, startExporter } from "../exporter/exporter.ts";
import { repoAlerts } from "../testing/alerts/stack.ts";
import { type LoopbackServer, serveLoopback } from "../testing/loopback.ts";
import { freePort, stopProcess } from "../testing/receiver/processes.ts";
import { defineAlerts } from "./definition.ts";
import { alertmanagerFile, generate, rulesDir } from "./generate.ts";
import { type Receiver, type Route, receiver } from "./routes.ts";

const defaults = repoAlerts();

interface Delivery {
  readonly authorization: string | null;
  readonly body: {
    receiver: string;
    status: string;
    alerts: { status: string; labels: Record<string, string>; annotations: Record<string, string> }[];
  };
}

const token = crypto.randomUUID();
const deliveries: Delivery[] = [];
let dir: string;
let exporter: RunningExporter | undefined;
let faultProxy: LoopbackServer | undefined;
let webhook: LoopbackServer | undefined;
let alertmanager: Subprocess | undefined;
let prometheus: Subprocess | undefined;

function requireTool(name: string, pkg: string): string {
  const path = Bun.which(name);
  if (!path)
    throw new Error(
      `${name} is missing: apt-get install -y --no-install-recommends ${pkg} (or bash .ci/setup)`,
    );
  return path;
}

async function waitReady(url: string, what: string, child: Subprocess): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (
      await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await Bun.sleep(100);
  }
  throw new Error(`${what} did not become ready on ${url}`);
}

/** The default routing tree, pointed at the loopback webhook and quick to notify. */
function retarget(route: Route, url: string, credentialsFile: string): Route {
  const hook = (r: Receiver) =>
    receiver(r.name, { webhooks: r.webhooks.map(() => ({ url, credentialsFile })) });
  return {
    ...route,
    ...(route.receiver ? { receiver: hook(route.receiver) } : {}),
    groupWait: Duration.ofSeconds(1),
    groupInterval: Duration.ofSeconds(1),
    routes: route.routes.map((r) => retarget(r, url, credentialsFile)),
  };
}

beforeAll(async () => {
  const prometheusBin = requireTool("prometheus", "prometheus");
  const alertmanagerBin = requireTool("prometheus-alertmanager", "prometheus-alertmanager");
  dir = await mkdtemp(join(tmpdir(), "flyby-alerts-live-"));
  const tokenFile = join(dir, "receiver-token");
  await writeFile(tokenFile, token);

  webhook = serveLoopback(async (request) => {
    deliveries.push({ authorization: request.headers.get("authorization"), body: await request.json() });
    return new Response("ok\n");
  });

  // The default rules, with GpuOverheating's `for` cut from 2m to 2s so the test is quick.
  const ruleFiles = defaults.ruleFiles.map((file) => ({
    ...file,
    groups: file.groups.map((g) => ({
      ...g,
      rules: g.rules.map((r) =>
        r === gpuOverheating ? { ...gpuOverheating, for: Duration.ofSeconds(2) } : r,
      ),
    })),
  }));
  const route = retarget(defaults.alertmanager.route, `${webhook.url}/alertmanager`, tokenFile);
  const def = defineAlerts({
    ...defaults,
    ruleFiles,
    alertmanager: { ...defaults.alertmanager, route: { ...route, receiver: route.receiver as Receiver } },
  });
  const out = join(dir, "out");
  const files = generate(def);
  await writeAtomically(out, files);

  exporter = await startExporter({ role: "worker", environment: "production", gpus: 1 });
  const upstream = exporter.url;
  // The fault: every scrape of the reference exporter reads GPU 0 at 95 °C.
  faultProxy = serveLoopback(async () => {
    const text = await (await fetch(upstream)).text();
    return new Response(
      text.replace(/^(overflying_worker_gpu_temperature_celsius\{[^}]*\}) \S+$/gm, "$1 95"),
      { headers: { "content-type": "text/plain; version=0.0.4" } },
    );
  });

  const amPort = freePort();
  alertmanager = Bun.spawn(
    [
      alertmanagerBin,
      `--config.file=${join(out, alertmanagerFile)}`,
      `--storage.path=${join(dir, "alertmanager")}`,
      `--web.listen-address=127.0.0.1:${amPort}`,
      "--cluster.listen-address=",
      "--log.level=warn",
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  await waitReady(`http://127.0.0.1:${amPort}`, "alertmanager", alertmanager);

  const promPort = freePort();
  const config = {
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    rule_files: [...files.keys()].filter((p) => p.startsWith(`${rulesDir}/`)).map((p) => join(out, p)),
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
    scrape_configs: [
      {
        job_name: "overflying-worker-production",
        static_configs: [
          {
            targets: [new URL(faultProxy.url).host],
            labels: {
              namespace: "production",
              environment: "production",
              service: "worker",
              pod: exporter.pod,
            },
          },
        ],
      },
    ],
  };
  await writeFile(join(dir, "prometheus.yml"), JSON.stringify(config));
  prometheus = Bun.spawn(
    [
      prometheusBin,
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "tsdb")}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      "--log.level=warn",
    ],
    { stdout: "ignore", stderr: "ignore" },
  );
  await waitReady(`http://127.0.0.1:${promPort}`, "prometheus", prometheus);
}, 60_000);

afterAll(async () => {
  await stopProcess(prometheus);
  await stopProcess(alertmanager);
  await faultProxy?.stop();
  await webhook?.stop();
  await exporter?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("live: GPU at 95 °C", () => {
  test("GpuOverheating fires in Prometheus and Alertmanager routes it to the page and ML receivers", async () => {
    const wanted = ["flyby-ml", "flyby-production-page"];
    const deadline = Date.now() + 45_000;
    const gpuDeliveries = () =>
      deliveries.filter((d) => d.body.alerts.some((a) => a.labels.alertname === "GpuOverheating"));
    while (Date.now() < deadline) {
      const receivers = new Set(gpuDeliveries().map((d) => d.body.receiver));
      if (wanted.every((r) => receivers.has(r))) break;
      await Bun.sleep(250);
    }
    const got = gpuDeliveries();
    expect([...new Set(got.map((d) => d.body.receiver))].sort()).toEqual(wanted);
    for (const d of got) expect(d.authorization).toBe(`Bearer ${token}`);
    const alert = got[0]?.body.alerts.find((a) => a.labels.alertname === "GpuOverheating");
    expect(alert?.status).toBe("firing");
    expect(alert?.labels).toMatchObject({
      environment: "production",
      pod: exporter?.pod,
      gpu_id: "0",
      severity: "critical",
      team: "ml",
      component: "gpu",
    });
    expect(alert?.annotations.summary).toBe(`GPU 0 on ${exporter?.pod} is at 95 °C`);
    expect(alert?.annotations.runbook_url).toBe(
      "https://github.com/overflying/runbooks/blob/main/gpu/overheating",
    );
  }, 60_000);
});
