import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { decodeBundle } from "../bundle/bundle.ts";
import { installPrometheusHint } from "../demo/local-prometheus.ts";
import { type DemoStack, startDemoStack } from "../demo/stack.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
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
  untilStackHealthy,
  uploadBundles,
} from "../testing/release-story.ts";

/**
 * The whole release story against a real registry, a real Prometheus scraping the services'
 * reference exporters, the fake Kubernetes API and the fake GitHub API, through the CLI as
 * the workflows run it: merge → bundle → staging deploy → smoke → tag → promote; then a
 * second release whose production smoke fails and is rolled back.
 */

const owner = "overflying";
const repoName = "platform";
let registry: TestRegistry;
let kube: FakeKube;
let github: FakeGitHub;
let deployments: FakeDeployments;
let stack: DemoStack;
let repo: string;
const grafanaPassword = "story-test-grafana-password-0123";
/** The worker digest whose production pods lose their GPU metrics. */
let brokenWorker = "";

const git = (...args: string[]) => gitIn(repo, ...args);

/** A merge to main: the change, committed. */
function merge(message: string, change: () => void): string {
  change();
  return commitAll(repo, message);
}

beforeAll(async () => {
  if (!Bun.which("prometheus")) throw new Error(installPrometheusHint);
  registry = await startRegistry();
  stack = await startDemoStack({ environments: ["staging", "production"], gpus: 1, intervalSeconds: 1 });
  deployments = new FakeDeployments();
  github = new FakeGitHub().use(deployments).start();
  kube = readyCluster({
    // A broken worker build: once its Deployment is applied in production, its pods stop
    // exposing GPU metrics; the good build brings them back. Held for two scrapes so that
    // Prometheus has seen the change before the smoke checks look.
    fault: brokenWorkerFault(stack, () => brokenWorker),
  });

  repo = scratchRepo();
  await useRegistryForStack(repo, registry);
  writeFileSync(join(repo, "kubeconfig.json"), tokenKubeConfig(kube.url, kube.adminToken).exportConfig());
  writeFileSync(join(repo, ".gitignore"), ".flyby/\n*.json\n");
  git("init", "-q", "-b", "main");

  // Prometheus needs one discovery cycle before the first scrape.
  await untilStackHealthy(stack, ["staging", "production"]);
}, 60_000);

afterAll(async () => {
  kube?.controller.stop();
  await Promise.all([kube?.stop(), github?.stop(), stack?.stop(), registry?.stop()]);
  if (repo) rmSync(repo, { recursive: true, force: true });
});

const job = (extra: Record<string, string> = {}) =>
  jobEnv(
    github,
    registry,
    `${owner}/${repoName}`,
    { grafanaPassword, receiverToken: "receiver-token-for-the-story" },
    extra,
  );

const cluster = (bundles: string) => releaseTargetArgs(stack, bundles, ["--kubeconfig", "kubeconfig.json"]);

/** The staging workflow on a push to main: bundle, deploy (apply + smoke), upload the bundle. */
async function stagingJob(commit: string, runId: number): Promise<string> {
  const env = job({ GITHUB_SHA: commit });
  const bundled = await runFlyby(["bundle", "--env", "staging", "--out", `bundle-${runId}.json`], repo, env);
  expect(bundled.code).toBe(0);
  const dir = `.flyby/run-${runId}`;
  const deployed = await runFlyby(["deploy", "--bundle", `bundle-${runId}.json`, ...cluster(dir)], repo, env);
  expect(deployed.stderr).not.toContain("internal error");
  expect(deployed.code).toBe(0);
  uploadBundles(deployments, { owner, name: repoName }, join(repo, dir), { id: runId, headSha: commit });
  return bundled.stdout.trim();
}

/** The release workflow on a tag: promote the staging bundle of the tag's commit. */
async function releaseJob(tag: string, commit: string, bundleFile: string | undefined, runId: number) {
  deployments.refs.set(tag, commit);
  const dir = `.flyby/run-${runId}`;
  const out = await runFlyby(
    [
      "promote",
      ...(bundleFile ? ["--bundle", bundleFile] : []),
      "--to",
      "production",
      "--json",
      ...cluster(dir),
    ],
    repo,
    job({
      GITHUB_REF_TYPE: "tag",
      GITHUB_REF_NAME: tag,
      GITHUB_SHA: commit,
      GITHUB_ACTOR: "release-manager",
    }),
  );
  uploadBundles(deployments, { owner, name: repoName }, join(repo, dir), { id: runId, headSha: commit });
  return out;
}

const liveWorkerImage = () => firstImage(kube, "production", "overflying-worker");

describe("the release story", () => {
  test("merge → staging → tag → promote; then a bad release is rolled back and the history says so", async () => {
    // Release 1: a merge, staging passes, v1.0.0 is promoted and passes.
    const first = merge("first release", () => {});
    const stagingV1 = await stagingJob(first, 101);
    const v1 = await releaseJob("v1.0.0", first, "bundle-101.json", 102);
    expect(v1.stderr).not.toContain("internal error");
    expect(v1.code).toBe(0);
    const promotedV1 = JSON.parse(v1.stdout) as {
      bundle: string;
      promotedFrom: string;
      deploy: { state: string };
    };
    expect(promotedV1.promotedFrom).toBe(stagingV1);
    expect(promotedV1.deploy.state).toBe("success");
    const goodWorker = liveWorkerImage();
    expect(goodWorker).toMatch(/platform\/worker@sha256:[a-f0-9]{64}$/);

    // Release 2: a new worker build whose GPU metrics vanish in production.
    brokenWorker = (await registry.pushImage("platform/worker", "main", { build: "2" })).slice(
      "sha256:".length,
    );
    const second = merge("second release", () => {
      const path = join(repo, "manifests/values/staging.yaml");
      writeFileSync(path, readFileSync(path, "utf8").replace("replicas: 1", "replicas: 2"));
    });
    const stagingV2 = await stagingJob(second, 201);
    // A bundle of the next commit cannot be promoted under the older tag.
    const mismatch = await releaseJob("v1.0.0", first, "bundle-201.json", 202);
    expect(mismatch.code).toBe(2);
    expect(mismatch.stderr).toContain(`built from commit ${second} but tag v1.0.0 points at ${first}`);

    // As the release workflow runs it: the bundle comes from the staging run's artifact.
    const v2 = await releaseJob("v2.0.0", second, undefined, 203);
    expect(v2.stderr).not.toContain("internal error");
    expect(v2.code).toBe(1);
    for (const out of [v1, v2]) expect(out.stdout + out.stderr).not.toContain(grafanaPassword);
    const promotedV2 = JSON.parse(v2.stdout) as {
      promotedFrom: string;
      deploy: { state: string; reason: string; deployment: number };
      rollback: { state: string; deployment: number };
    };
    expect(promotedV2.promotedFrom).toBe(stagingV2);
    expect(promotedV2.deploy.state).toBe("failure");
    expect(promotedV2.deploy.reason).toContain("smoke failed");
    expect(promotedV2.rollback.state).toBe("success");

    // Production runs release 1 again.
    expect(liveWorkerImage()).toBe(goodWorker);

    // GitHub's history reads true.
    const prod = deployments.deployments
      .filter((d) => d.environment === "production")
      .sort((a, b) => a.id - b.id);
    expect(prod.map((d) => [d.ref, (d.payload as { kind: string }).kind])).toEqual([
      ["v1.0.0", "promote"],
      ["v2.0.0", "promote"],
      ["v1.0.0", "rollback"],
    ]);
    const states = prod.map((d) => d.statuses.map((s) => s.state).reverse());
    expect(states).toEqual([
      ["in_progress", "success"],
      ["in_progress", "failure"],
      ["in_progress", "success"],
    ]);
    expect(prod[1]?.statuses[0]?.description).toMatch(
      /^rolling back to sha256:[a-f0-9]{12} \(v1\.0\.0\); smoke failed: /,
    );
    expect(prod[2]?.payload).toMatchObject({
      kind: "rollback",
      bundle: promotedV1.bundle,
      rollbackOf: prod[1]?.id,
    });
    const staging = deployments.deployments.filter((d) => d.environment === "staging");
    expect(staging.map((d) => (d.payload as { bundle: string }).bundle)).toEqual([stagingV1, stagingV2]);
    expect(staging[0]?.statuses.map((s) => s.state)).toEqual(["inactive", "success", "in_progress"]);

    // The rollback came from the artifact of release 1's job, not from this job's folder.
    const rollbackBundle = decodeBundle(
      readFileSync(join(repo, ".flyby/run-203", `${promotedV1.bundle}.json`), "utf8"),
      "rollback bundle",
    );
    expect(rollbackBundle.content.environment).toBe("production");

    // By hand: there is no other good bundle to go back to; the v1.0.0 bundle file can be re-applied.
    const previous = await runFlyby(
      ["rollback", "--env", "production", "--previous", ...cluster(".flyby/run-301")],
      repo,
      job(),
    );
    expect(previous.code).toBe(2);
    expect(previous.stderr).toContain("production has no earlier successful bundle to roll back to");
    const again = await runFlyby(
      [
        "rollback",
        "--env",
        "production",
        "--to",
        `.flyby/run-203/${promotedV1.bundle}.json`,
        "--reason",
        "re-apply v1.0.0",
        ...cluster(".flyby/run-302"),
      ],
      repo,
      job(),
    );
    expect(again.stderr).not.toContain("internal error");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`rollback to sha256:${promotedV1.bundle.slice(0, 12)} #`);
    const byHand = deployments.deployments.at(-1);
    expect(byHand?.payload).toMatchObject({
      kind: "rollback",
      bundle: promotedV1.bundle,
      reason: "re-apply v1.0.0",
    });
    expect(byHand?.statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
    prod.push(byHand as (typeof prod)[number]);

    // `flyby status` says what runs where.
    const status = await runFlyby(["status"], repo, job());
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `staging: sha256:${stagingV2.slice(0, 12)} commit ${second.slice(0, 12)}`,
    );
    expect(status.stdout).toContain(
      `production: sha256:${promotedV1.bundle.slice(0, 12)} commit ${first.slice(0, 12)} tag v1.0.0 (rollback #${prod[3]?.id} by github-actions[bot]`,
    );
    expect(status.stdout).toContain(
      `  last attempt: promote #${prod[1]?.id} (v2.0.0) failure: rolling back to`,
    );
    expect(status.stdout).toContain("  smoke: smoke passed: ");
    // The job summary's timeline gives each production deployment its verdict.
    const summary = await runFlyby(["status", "--format", "markdown", "--env", "production"], repo, job());
    const events = summary.stdout.split("\n").filter((l) => l.startsWith("    "));
    expect(events.map((l) => l.split(" : ").slice(1, 3).join(" : "))).toEqual([
      "✅ success : promote v1.0.0",
      "↩️ rolled back : promote v2.0.0",
      "✅ success : rollback v1.0.0",
      "✅ success : rollback v1.0.0",
    ]);
  }, 150_000);
});
