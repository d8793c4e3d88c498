import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duration } from "../core/duration.ts";
import { ExitCode } from "../core/exit-code.ts";
import { installPrometheusHint } from "../demo/local-prometheus.ts";
import { type DemoStack, startDemoStack } from "../demo/stack.ts";
import type { Fault } from "../exporter/exporter.ts";
import { repoRoot, runFlyby } from "../testing/cli.ts";
import { startFakeGrafana } from "../testing/fake-grafana.ts";
import { startFakeKubeProxy } from "../testing/fake-kube-proxy.ts";
import { systemClock } from "../wiring/clock.ts";
import { prometheusOverHttp } from "./adapters/prometheus-http.ts";
import { directScraper } from "./adapters/scrape-http.ts";
import { runChecks } from "./checks/index.ts";
import { countingFetch } from "./counting-fetch.ts";
import { defaultExpectations, type SmokeExpectations } from "./expectations.ts";
import { observe, type Sources } from "./observe.ts";
import { pollUntilPassed } from "./poller.ts";
import { type SmokeVerdict, smokeVerdictOf } from "./verdict.ts";

// One real Prometheus (1 s scrape interval) and the staging api and worker exporters for the whole file.
let stack: DemoStack;
const expectations = defaultExpectations("staging", {
  scrapeInterval: Duration.ofSeconds(1),
  gpusPerWorker: 2,
});
const sources = (): Sources => ({
  prometheus: prometheusOverHttp(stack.prometheus.url, fetch),
  scraper: directScraper(fetch),
});

beforeAll(async () => {
  if (!Bun.which("prometheus")) throw new Error(installPrometheusHint);
  stack = await startDemoStack({ environments: ["staging"], gpus: 2, intervalSeconds: 1, dcgm: true });
  // Prometheus needs one discovery cycle (about 5 s) before its first scrape.
  const run = await pollUntilPassed({
    sources: sources(),
    expectations,
    timeout: Duration.ofSeconds(30),
    clock: systemClock,
  });
  if (!run.verdict.passed)
    throw new Error(`the demo stack never became healthy: ${JSON.stringify(run.verdict.findings)}`);
}, 40_000);

afterAll(async () => {
  await stack?.stop();
});

/** Observes until `until` holds (or 10 s pass) and returns that verdict. */
async function verdictWhen(
  until: (v: SmokeVerdict) => boolean,
  s: Sources = sources(),
  e: SmokeExpectations = expectations,
): Promise<SmokeVerdict> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const o = await observe(s, e, Date.now());
    const v = smokeVerdictOf(e.environment, o, runChecks(o, e));
    if (until(v) || Date.now() > deadline) return v;
    await Bun.sleep(100);
  }
}

const hasFinding = (rule: string, text: string) => (v: SmokeVerdict) =>
  v.findings.some((f) => f.rule === rule && f.message.includes(text));

describe("smoke against a real Prometheus", () => {
  test("GIVEN a healthy stack WHEN observed once THEN every check passes with 8 requests plus 1 per pod", async () => {
    const counter = countingFetch(fetch);
    const o = await observe(
      {
        prometheus: prometheusOverHttp(stack.prometheus.url, counter.fetch),
        scraper: directScraper(counter.fetch),
      },
      expectations,
      Date.now(),
    );
    const v = smokeVerdictOf("staging", o, runChecks(o, expectations));
    expect(v.findings).toEqual([]);
    expect(v.passed).toBe(true);
    expect(counter.count()).toBe(8 + 2);
  });

  test("flyby smoke exits 0 and prints the table; --json gives the verdict", async () => {
    const args = [
      "smoke",
      "--env",
      "staging",
      "--prometheus",
      stack.prometheus.url,
      "--scrape-interval",
      "1s",
    ];
    const table = await runFlyby([...args, "--gpus", "2", "--timeout", "10s"], process.cwd());
    expect(table.code).toBe(ExitCode.Ok);
    expect(table.stdout).toContain("smoke staging: passed");
    expect(table.stdout).toMatch(/gpu-values\s+✅ pass/);
    const asJson = await runFlyby([...args, "--gpus", "2", "--json"], process.cwd());
    expect(asJson.code).toBe(ExitCode.Ok);
    const json = JSON.parse(asJson.stdout);
    expect(json.passed).toBe(true);
    expect(json.requests).toBeGreaterThanOrEqual(10);
  });

  const faults: readonly [Fault, string, string][] = [
    ["no-gpu-metrics", "scrape-families", "family overflying_worker_gpu_utilization is missing"],
    ["nan-temperature", "gpu-values", "overflying_worker_gpu_temperature_celsius is NaN"],
    ["stale-series", "gpu-fresh", "is stale, last sample"],
    [
      "wrong-type",
      "metrics-type",
      "process_resident_memory_bytes is exposed as counter, the catalog says gauge",
    ],
    ["dcgm-sentinel", "gpu-values", "a DCGM sentinel"],
  ];
  for (const [fault, rule, text] of faults) {
    test(`GIVEN the worker's ${fault} fault THEN ${rule} fails ("${text}"), and passes once it is off`, async () => {
      const worker = stack.exporters.get("worker-staging");
      worker?.setFaults([fault]);
      try {
        const failing = await verdictWhen(hasFinding(rule, text));
        expect(failing.passed).toBe(false);
        const finding = failing.findings.find((f) => f.rule === rule && f.message.includes(text));
        expect(finding?.message).toContain("overflying-worker-staging/");
        expect(finding?.hint?.length).toBeGreaterThan(10);
      } finally {
        worker?.setFaults([]);
      }
      expect((await verdictWhen((v) => v.passed)).findings).toEqual([]);
    }, 25_000);
  }

  test("with dcgm-exporter declared, DCGM_FI_DEV_* are checked the same way", async () => {
    const withDcgm = { ...expectations, dcgm: true };
    expect((await verdictWhen((v) => v.passed, sources(), withDcgm)).findings).toEqual([]);
    const worker = stack.exporters.get("worker-staging");
    worker?.setFaults(["dcgm-sentinel"]);
    try {
      const v = await verdictWhen(
        hasFinding("gpu-values", "DCGM_FI_DEV_GPU_UTIL reads"),
        sources(),
        withDcgm,
      );
      expect(v.findings.map((f) => f.message)).toContainEqual(
        expect.stringMatching(/gpu 1: DCGM_FI_DEV_GPU_UTIL reads 9223372036854776000, a DCGM sentinel/),
      );
    } finally {
      worker?.setFaults([]);
    }
    await verdictWhen((v) => v.passed, sources(), withDcgm);
  });

  test("the wrong-type fault also shows on the direct scrape", async () => {
    const api = stack.exporters.get("api-staging");
    api?.setFaults(["wrong-type"]);
    try {
      const v = await verdictWhen(
        hasFinding("scrape-families", "process_resident_memory_bytes has TYPE counter"),
      );
      expect(v.passed).toBe(false);
    } finally {
      api?.setFaults([]);
    }
  });

  test("Grafana: healthy dashboards pass; a missing dashboard, No data and a broken datasource fail", async () => {
    const prometheus = prometheusOverHttp(stack.prometheus.url, fetch);
    const grafana = startFakeGrafana({
      token: "t0ken",
      datasourceUid: "prometheus",
      dashboards: [
        {
          uid: "overflying-api",
          title: "API",
          panels: [
            {
              id: 1,
              title: "Request rate",
              targets: [
                { refId: "A", expr: 'sum(rate(http_server_requests_total{environment="$environment"}[1m]))' },
              ],
            },
          ],
        },
        {
          uid: "overflying-worker",
          title: "Worker",
          panels: [
            {
              id: 2,
              title: "GPU",
              targets: [{ refId: "A", expr: "max(overflying_worker_gpu_utilization)" }],
            },
          ],
        },
      ],
      async evaluate(expr) {
        const r = await prometheus.query(expr, Date.now());
        return r.ok ? { points: Array.isArray(r.result) ? r.result.length : 1 } : { error: r.error };
      },
    });
    try {
      const { grafanaOverHttp } = await import("./adapters/grafana-http.ts");
      const withGrafana = (): Sources => ({
        ...sources(),
        grafana: grafanaOverHttp(grafana.url, fetch, { token: "t0ken" }),
      });
      const healthy = await verdictWhen((v) => v.passed, withGrafana());
      expect(healthy.checks.filter((c) => c.id.startsWith("grafana-")).map((c) => c.status)).toEqual([
        "pass",
        "pass",
        "pass",
        "pass",
      ]);
      // The worker's GPU panel loses its data, a dashboard disappears, the datasource breaks.
      stack.exporters.get("worker-staging")?.setFaults(["no-gpu-metrics"]);
      (grafana.options.dashboards as unknown[]).shift();
      grafana.options.datasourceError =
        'Post "http://prometheus:9090/api/v1/query": dial tcp: connection refused';
      const broken = await verdictWhen(hasFinding("grafana-data", "No data"), withGrafana());
      expect(broken.findings.map((f) => f.rule)).toEqual(
        expect.arrayContaining(["grafana-datasource", "grafana-dashboards", "grafana-data"]),
      );
      expect(broken.findings.find((f) => f.rule === "grafana-dashboards")?.message).toBe(
        "dashboard overflying-api not found",
      );
      expect(broken.findings.find((f) => f.rule === "grafana-data")?.message).toBe(
        'dashboard overflying-worker panel "GPU": No data',
      );
    } finally {
      stack.exporters.get("worker-staging")?.setFaults([]);
      await grafana.stop();
    }
    await verdictWhen((v) => v.passed);
  }, 25_000);

  test("--via-cluster goes through the service and pod proxies; a Status error is reported", async () => {
    const pods: Record<string, string> = {};
    for (const e of stack.exporters.values()) pods[`staging/${e.pod}`] = "127.0.0.1";
    const services: Record<string, string | null> = { "observability/prometheus:9090": stack.prometheus.url };
    const apiserver = startFakeKubeProxy({ token: "kube-t0ken", services, pods });
    const dir = await mkdtemp(join(tmpdir(), "flyby-smoke-"));
    try {
      const kubeconfig = join(dir, "config");
      await writeFile(kubeconfig, apiserver.kubeconfig());
      const args = [
        "smoke",
        "--env",
        "staging",
        "--via-cluster",
        "--kubeconfig",
        kubeconfig,
        "--scrape-interval",
        "1s",
      ];
      expect((await runFlyby([...args, "--gpus", "2", "--timeout", "10s"], process.cwd())).code).toBe(
        ExitCode.Ok,
      );
      expect(apiserver.requests).toContain(
        "GET /api/v1/namespaces/observability/services/prometheus:9090/proxy/-/ready",
      );
      expect(
        apiserver.requests.some((p) =>
          /^GET \/api\/v1\/namespaces\/staging\/pods\/overflying-worker-staging-\d+:\d+\/proxy\/metrics$/.test(
            p,
          ),
        ),
      ).toBe(true);

      // A token the API server does not accept: exit 3, the Status message, no token in the output.
      await writeFile(kubeconfig, apiserver.kubeconfig().replace("kube-t0ken", "expired-t0ken"));
      const refused = await runFlyby(args, process.cwd());
      expect(refused.code).toBe(ExitCode.EnvironmentFailed);
      expect(refused.stderr).toContain("refused the request (401): Unauthorized");
      expect(refused.stderr).not.toContain("t0ken");
      await writeFile(kubeconfig, apiserver.kubeconfig());

      // Prometheus has no endpoints: the API server answers 503 with a Status.
      services["observability/prometheus:9090"] = null;
      const noEndpoints = await runFlyby([...args, "--timeout", "1s"], process.cwd());
      expect(noEndpoints.code).toBe(ExitCode.NotClean);
      expect(noEndpoints.stdout).toContain(
        'Prometheus is not ready: no endpoints available for service "prometheus"',
      );
    } finally {
      await apiserver.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("actions/smoke reads its inputs, sets the outputs and writes a ✅ job summary", async () => {
    const dir = await mkdtemp(join(tmpdir(), "flyby-action-"));
    const vars: Record<string, string> = {
      INPUT_ENVIRONMENT: "staging",
      "INPUT_PROMETHEUS-URL": stack.prometheus.url,
      "INPUT_VIA-CLUSTER": "false",
      "INPUT_SCRAPE-INTERVAL": "1s",
      INPUT_GPUS: "2",
      INPUT_TIMEOUT: "10s",
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
      GITHUB_OUTPUT: join(dir, "output"),
    };
    try {
      await writeFile(vars.GITHUB_STEP_SUMMARY as string, "");
      await writeFile(vars.GITHUB_OUTPUT as string, "");
      // As the runner runs it: inputs in the environment, the exit code the step's verdict.
      const proc = Bun.spawn([process.execPath, join(repoRoot, "actions/smoke/main.ts")], {
        cwd: repoRoot,
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...vars },
        stdout: "pipe",
        stderr: "pipe",
      });
      const [log, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
      expect(log).toContain("smoke staging: passed");
      expect(code).toBe(0);
      const summary = await Bun.file(vars.GITHUB_STEP_SUMMARY as string).text();
      expect(summary).toStartWith("### ✅ Smoke checks: staging");
      expect(summary).toContain("| `gpu-values` | ✅ pass |");
      const output = await Bun.file(vars.GITHUB_OUTPUT as string).text();
      expect(output).toMatch(/^passed<<.*\ntrue\n/m);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a killed exporter shows as a target down", async () => {
    await stack.exporters.get("api-staging")?.stop();
    const v = await verdictWhen(hasFinding("targets-up", "is down"));
    const down = v.findings.find((f) => f.rule === "targets-up");
    expect(down?.message).toMatch(
      /^target overflying-api-staging\/overflying-api-staging-\d+ is down: .*connection refused/,
    );
    expect(down?.hint).toContain("prometheus.io/scrape|port|path");
    expect(v.passed).toBe(false);
  });
});
