import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installPrometheusHint } from "../demo/local-prometheus.ts";
import { type DemoStack, startDemoStack } from "../demo/stack.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { addDevEnvironment, contextsKubeconfig, useContexts } from "../testing/environments.ts";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import type { FakeKube } from "../testing/fake-kube/server.ts";
import { startRegistry, type TestRegistry, useRegistryForStack } from "../testing/oci-registry.ts";
import {
  brokenWorkerFault,
  commitAll,
  firstImage,
  gitIn,
  jobEnv,
  readyCluster,
  releaseTargetArgs,
  stackBehindApiServer,
  untilStackHealthy,
  uploadBundles,
} from "../testing/release-story.ts";

/**
 * The release story on a chain of three environments, dev → staging → production, with
 * production on two clusters (east and west, one fake API server each): plan, deploy to dev,
 * promote to staging, promote to production on both clusters; then a release that breaks the
 * GPU metrics on west only is rolled back on both, and a rollback by hand reaches both.
 */

const owner = "overflying";
const repoName = "platform";
let registry: TestRegistry;
let east: FakeKube;
let west: FakeKube;
let github: FakeGitHub;
let deployments: FakeDeployments;
let stack: DemoStack;
let repo: string;
const chain = ["dev", "staging", "production"];
/** The worker digest whose production pods on west lose their GPU metrics. */
let brokenWorker = "";

beforeAll(async () => {
  if (!Bun.which("prometheus")) throw new Error(installPrometheusHint);
  registry = await startRegistry();
  stack = await startDemoStack({ environments: chain, gpus: 1, intervalSeconds: 1 });
  deployments = new FakeDeployments();
  github = new FakeGitHub().use(deployments).start();
  // Each cluster's API server proxies to the stack, as the smoke checks reach it --via-cluster.
  const proxied = stackBehindApiServer(stack);
  east = readyCluster({ fault: proxied });
  // A broken worker build: applied to production on west, its pods stop exposing GPU
  // metrics; the good build brings them back. Held for two scrapes.
  const broken = brokenWorkerFault(stack, () => brokenWorker);
  west = readyCluster({ fault: (req, url) => proxied(req, url) ?? broken(req, url) });

  repo = scratchRepo();
  addDevEnvironment(repo);
  useContexts(repo, "dev", ["east"]);
  useContexts(repo, "staging", ["east"]);
  useContexts(repo, "production", ["east", "west"]);
  await useRegistryForStack(repo, registry);
  writeFileSync(
    join(repo, "kubeconfig.json"),
    contextsKubeconfig({
      east: { url: east.url, token: east.adminToken },
      west: { url: west.url, token: west.adminToken },
    }),
  );
  writeFileSync(join(repo, ".gitignore"), ".flyby/\n*.json\n");
  gitIn(repo, "init", "-q", "-b", "main");

  await untilStackHealthy(stack, chain);
}, 60_000);

afterAll(async () => {
  east?.controller.stop();
  west?.controller.stop();
  await Promise.all([east?.stop(), west?.stop(), github?.stop(), stack?.stop(), registry?.stop()]);
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const job = (extra: Record<string, string> = {}) =>
  jobEnv(
    github,
    registry,
    `${owner}/${repoName}`,
    { grafanaPassword: "chain-story-grafana-password-01", receiverToken: "receiver-token-for-the-chain" },
    extra,
  );

/** Every cluster of the environment, each smoke-checked through its own API server, as the workflows run it. */
const fleet = (bundles: string) =>
  releaseTargetArgs(stack, bundles, ["--gke", "env", "--kubeconfig", "kubeconfig.json"], ["--via-cluster"]);

async function devJob(sha: string, runId: number) {
  const env = job({ GITHUB_SHA: sha });
  const bundled = await runFlyby(["bundle", "--env", "dev", "--out", `bundle-${runId}.json`], repo, env);
  expect(bundled.code).toBe(0);
  const dir = `.flyby/run-${runId}`;
  const deployed = await runFlyby(["deploy", "--bundle", `bundle-${runId}.json`, ...fleet(dir)], repo, env);
  expect(deployed.stderr).not.toContain("internal error");
  expect(deployed.code).toBe(0);
  uploadBundles(deployments, { owner, name: repoName }, join(repo, dir), { id: runId, headSha: sha });
}

async function promoteJob(to: string, tag: string, sha: string, runId: number) {
  deployments.refs.set(tag, sha);
  const dir = `.flyby/run-${runId}`;
  const out = await runFlyby(
    ["promote", "--to", to, "--json", ...fleet(dir)],
    repo,
    job({ GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: tag, GITHUB_SHA: sha, GITHUB_ACTOR: "release-manager" }),
  );
  expect(out.stderr).not.toContain("internal error");
  uploadBundles(deployments, { owner, name: repoName }, join(repo, dir), { id: runId, headSha: sha });
  return {
    ...out,
    json: out.stdout ? (JSON.parse(out.stdout) as Record<string, { state: string } | string>) : {},
  };
}

const workerImage = (kube: FakeKube, namespace: string) => firstImage(kube, namespace, "overflying-worker");

describe("the release story on dev → staging → production, production on two clusters", () => {
  test("plan, deploy, promote twice, a failed promotion rolled back on both clusters, a rollback by hand", async () => {
    const listed = await runFlyby(["environments", "--json"], repo);
    expect(
      (JSON.parse(listed.stdout) as { environments: { name: string }[] }).environments.map((e) => e.name),
    ).toEqual(chain);
    const first = commitAll(repo, "three environments");
    const plan = await runFlyby(["plan", "--base", "HEAD"], repo);
    expect(plan.stderr).not.toContain("internal error");
    expect(plan.code).toBe(0);
    const report = readFileSync(join(repo, ".flyby/plan/report.md"), "utf8");
    for (const environment of chain) expect(report).toContain(environment);

    // Release 1: dev on merge, then staging and production by tag, each from the one before.
    await devJob(first, 101);
    const toStaging = await promoteJob("staging", "v1.0.0-rc", first, 102);
    expect(toStaging.code).toBe(0);
    const toProduction = await promoteJob("production", "v1.0.0", first, 103);
    expect(toProduction.code).toBe(0);
    expect(toProduction.json.promotedFrom).toBe(toStaging.json.bundle);
    const good = workerImage(east, "production");
    expect(good).toMatch(/platform\/worker@sha256:[a-f0-9]{64}$/);
    expect(workerImage(west, "production")).toBe(good);
    expect(workerImage(east, "dev")).not.toBe("");
    expect(workerImage(west, "dev")).toBe("");

    // Production takes staging's bundles only: a dev bundle is refused.
    const skip = await runFlyby(
      [
        "promote",
        "--to",
        "production",
        "--bundle",
        "bundle-101.json",
        "--tag",
        "v1.0.0",
        "--commit",
        first,
        ...fleet(".flyby/run-104"),
      ],
      repo,
      job(),
    );
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain("the bundle was built for dev; production promotes from staging");

    // Release 2: a worker build that loses its GPU metrics on west.
    brokenWorker = (await registry.pushImage("platform/worker", "main", { build: "2" })).slice(
      "sha256:".length,
    );
    const path = join(repo, "manifests/values/dev.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("replicas: 1", "replicas: 2"));
    const second = commitAll(repo, "second release");
    await devJob(second, 201);
    expect((await promoteJob("staging", "v2.0.0-rc", second, 202)).code).toBe(0);
    const v2 = await promoteJob("production", "v2.0.0", second, 203);
    expect(v2.code).toBe(1);
    expect(v2.json.deploy).toMatchObject({ state: "failure" });
    expect(v2.json.rollback).toMatchObject({ state: "success" });
    expect(workerImage(east, "production")).toBe(good);
    expect(workerImage(west, "production")).toBe(good);

    // GitHub's history: production Deployments are production ones, the others are not.
    const of = (environment: string) =>
      deployments.deployments.filter((d) => d.environment === environment).sort((a, b) => a.id - b.id);
    expect(of("production").map((d) => [d.ref, (d.payload as { kind: string }).kind])).toEqual([
      ["v1.0.0", "promote"],
      ["v2.0.0", "promote"],
      ["v1.0.0", "rollback"],
    ]);
    for (const environment of chain)
      for (const d of of(environment)) expect(d.production_environment).toBe(environment === "production");

    // By hand: staging goes back to release 1 on its cluster.
    const back = await runFlyby(
      ["rollback", "--env", "staging", "--previous", "--reason", "back to rc1", ...fleet(".flyby/run-301")],
      repo,
      job(),
    );
    expect(back.stderr).not.toContain("internal error");
    expect(back.code).toBe(0);
    expect(of("staging").at(-1)?.payload).toMatchObject({ kind: "rollback", reason: "back to rc1" });

    // `flyby status` lists the chain in order.
    const status = await runFlyby(["status"], repo, job());
    expect(status.code).toBe(0);
    const lines = status.stdout.split("\n").filter((l) => /^\w+: /.test(l));
    expect(lines.map((l) => l.split(":")[0])).toEqual(chain);
  }, 240_000);
});
