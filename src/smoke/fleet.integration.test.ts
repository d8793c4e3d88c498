import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ExitCode } from "../core/exit-code.ts";
import { installPrometheusHint } from "../demo/local-prometheus.ts";
import { type DemoStack, startDemoStack } from "../demo/stack.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { contextsKubeconfig, useContexts } from "../testing/environments.ts";
import { type FakeKubeProxy, startFakeKubeProxy } from "../testing/fake-kube-proxy.ts";

/**
 * `smoke --gke env`: staging runs on two clusters, east and west, each with its own API
 * server (a fake of the service and pod proxies). West's Prometheus has no endpoints.
 */
let stack: DemoStack;
let repo: string;
const proxies: FakeKubeProxy[] = [];
const westServices: Record<string, string | null> = {};

beforeAll(async () => {
  if (!Bun.which("prometheus")) throw new Error(installPrometheusHint);
  stack = await startDemoStack({ environments: ["staging"], gpus: 1, intervalSeconds: 1 });
  const pods: Record<string, string> = {};
  for (const e of stack.exporters.values()) pods[`staging/${e.pod}`] = "127.0.0.1";
  const healthy = { "observability/prometheus:9090": stack.prometheus.url };
  Object.assign(westServices, healthy);
  const east = startFakeKubeProxy({ token: "kube-t0ken", services: healthy, pods });
  const west = startFakeKubeProxy({ token: "kube-t0ken", services: westServices, pods });
  proxies.push(east, west);
  repo = scratchRepo();
  useContexts(repo, "staging", ["east", "west"]);
  writeFileSync(
    join(repo, "kubeconfig.json"),
    contextsKubeconfig({
      east: { url: east.url, token: "kube-t0ken" },
      west: { url: west.url, token: "kube-t0ken" },
    }),
  );
}, 30_000);

afterAll(async () => {
  await Promise.all([stack?.stop(), ...proxies.map((p) => p.stop())]);
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const smoke = (timeout: string, ...extra: string[]) => smokeWith("kubeconfig.json", timeout, ...extra);

const smokeWith = (kubeconfig: string, timeout: string, ...extra: string[]) =>
  runFlyby(
    [
      "smoke",
      "--env",
      "staging",
      "--via-cluster",
      "--gke",
      "env",
      "--kubeconfig",
      kubeconfig,
      "--scrape-interval",
      "1s",
      "--gpus",
      "1",
      "--timeout",
      timeout,
      ...extra,
    ],
    repo,
  );

describe("smoke on every cluster of an environment", () => {
  test("GIVEN two healthy clusters THEN each has a verdict and the environment passes", async () => {
    const out = await smoke("15s", "--json");
    expect(out.code).toBe(ExitCode.Ok);
    const report = JSON.parse(out.stdout) as {
      passed: boolean;
      clusters: { cluster: string; passed: boolean }[];
    };
    expect(report.passed).toBe(true);
    expect(report.clusters.map((c) => [c.cluster, c.passed])).toEqual([
      ["east", true],
      ["west", true],
    ]);
    for (const p of proxies)
      expect(p.requests).toContain(
        "GET /api/v1/namespaces/observability/services/prometheus:9090/proxy/-/ready",
      );
    expect(out.stderr).toMatch(/^east: /m);
    expect(out.stderr).toMatch(/^west: /m);
  }, 30_000);

  test("GIVEN west's Prometheus has no endpoints THEN west fails, east passes, the environment fails", async () => {
    westServices["observability/prometheus:9090"] = null;
    try {
      const out = await smoke("2s");
      expect(out.code).toBe(ExitCode.NotClean);
      expect(out.stdout).toContain("cluster east:\nsmoke staging: passed");
      expect(out.stdout).toContain("cluster west:\nsmoke staging: FAILED");
      expect(out.stdout).toEndWith("smoke staging: FAILED on west (1 of 2 clusters)\n");
    } finally {
      westServices["observability/prometheus:9090"] = stack.prometheus.url;
    }
  }, 30_000);

  test("GIVEN west's API server is gone THEN east still passes, west is named with its URL, the environment fails with exit 3", async () => {
    // Nothing listens on port 9 of loopback.
    writeFileSync(
      join(repo, "west-down.json"),
      contextsKubeconfig({
        east: { url: (proxies[0] as FakeKubeProxy).url, token: "kube-t0ken" },
        west: { url: "http://127.0.0.1:9", token: "kube-t0ken" },
      }),
    );
    const out = await smokeWith("west-down.json", "15s");
    expect(out.code).toBe(ExitCode.EnvironmentFailed);
    expect(out.stdout).toContain("cluster east:\nsmoke staging: passed");
    expect(out.stdout).toContain(
      "cluster west: unreachable: cannot reach the Kubernetes API at http://127.0.0.1:9",
    );
    expect(out.stdout).toEndWith("smoke staging: FAILED on west (1 of 2 clusters)\n");
    const json = await smokeWith("west-down.json", "15s", "--json");
    expect(json.code).toBe(ExitCode.EnvironmentFailed);
    const report = JSON.parse(json.stdout) as { passed: boolean; clusters: Record<string, unknown>[] };
    expect(report.passed).toBe(false);
    expect(report.clusters.map((c) => [c.cluster, c.passed, c.unreachable !== undefined])).toEqual([
      ["east", true, false],
      ["west", undefined, true],
    ]);
    expect(String(report.clusters[1]?.unreachable)).toContain("http://127.0.0.1:9");

    // The smoke action, as the runner runs it: the same answer, named in its log, its failure
    // message and its job summary.
    const summary = join(repo, "summary.md");
    writeFileSync(summary, "");
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../actions/smoke/main.ts")], {
      cwd: repo,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        INPUT_ENVIRONMENT: "staging",
        "INPUT_VIA-CLUSTER": "true",
        INPUT_GKE: "env",
        INPUT_KUBECONFIG: "west-down.json",
        "INPUT_SCRAPE-INTERVAL": "1s",
        INPUT_GPUS: "1",
        INPUT_TIMEOUT: "15s",
        GITHUB_STEP_SUMMARY: summary,
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [log, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    // A failed step exits 1 (@actions/core's setFailed); the message says why.
    expect(code).toBe(1);
    expect(log).toContain("cluster west: unreachable: cannot reach the Kubernetes API at http://127.0.0.1:9");
    expect(log).toContain("::error::smoke checks could not reach west for staging");
    const markdown = await Bun.file(summary).text();
    expect(markdown).toStartWith("### ✅ Smoke checks: staging, cluster east\n");
    expect(markdown).toContain("### ❌ Smoke checks: cluster west\n");
  }, 60_000);

  test("--gke env with a Prometheus URL is a usage error: one URL cannot check several clusters", async () => {
    const out = await runFlyby(
      ["smoke", "--env", "staging", "--prometheus", stack.prometheus.url, "--gke", "env"],
      repo,
    );
    expect(out.code).toBe(ExitCode.BadInput);
    expect(out.stderr).toContain("give --via-cluster, not --prometheus");
  });
});
