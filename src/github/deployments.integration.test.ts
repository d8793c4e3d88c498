import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { encodeBundle } from "../bundle/bundle.ts";
import { EnvironmentError } from "../core/errors.ts";
import { deployAndVerify } from "../promote/deploy.ts";
import { stagingBundleOf } from "../testing/bundles.ts";
import { repoRoot } from "../testing/cli.ts";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { memoryDeps } from "../testing/memory-deploy.ts";
import { makeZip } from "../testing/zip.ts";
import { artifactBundleStore, bundleArtifactName, githubLedger } from "./deployments.ts";
import { makeOctokit } from "./octokit.ts";

const repo = { owner: "overflying", repo: "platform" };
const tree = loadManifestTree(join(repoRoot, "manifests"));
const commit = "c".repeat(40);
let github: FakeGitHub;
let fake: FakeDeployments;
const dirs: string[] = [];

beforeAll(() => {
  fake = new FakeDeployments();
  github = new FakeGitHub().use(fake).start();
});
afterAll(async () => {
  await github.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const octokit = () => makeOctokit("ghs-test-token", github.url);
const scratch = () => {
  const d = mkdtempSync(join(tmpdir(), "flyby-bundles-"));
  dirs.push(d);
  return d;
};

describe("GitHub Deployments as the ledger", () => {
  test("a staging deploy is recorded with its bundle hash and commit, and its statuses in order", async () => {
    const ledger = githubLedger(octokit(), repo, {
      logUrl: "https://github.com/overflying/platform/actions/runs/7",
    });
    const deps = { ...memoryDeps(), ledger };
    const bundle = await stagingBundleOf(tree, commit);
    const out = await deployAndVerify(deps, bundle, commit);
    expect(out.state).toBe("success");
    const [stored] = fake.deployments;
    expect(stored).toMatchObject({
      environment: "staging",
      sha: commit,
      ref: commit,
      payload: { kind: "deploy", bundle: bundle.sha256, commit },
      production_environment: false,
    });
    expect(stored?.statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
    expect(stored?.statuses[0]?.log_url).toBe("https://github.com/overflying/platform/actions/runs/7");
    const [listed] = await ledger.list("staging");
    expect(listed).toMatchObject({
      id: stored?.id,
      creator: "github-actions[bot]",
      payload: { bundle: bundle.sha256 },
    });
    expect(listed?.statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
  });

  test("a newer staging success marks the older one inactive; it still counts as verified", async () => {
    const ledger = githubLedger(octokit(), repo);
    const deps = { ...memoryDeps(), ledger };
    await deployAndVerify(deps, await stagingBundleOf(tree, commit, "second"), commit);
    const [newest, older] = await ledger.list("staging");
    expect(newest?.statuses[0]?.state).toBe("success");
    expect(older?.statuses.map((s) => s.state)).toEqual(["inactive", "success", "in_progress"]);
  });

  test("deployments other tools made are not part of the history", async () => {
    const res = await octokit().rest.repos.createDeployment({
      ...repo,
      ref: commit,
      environment: "staging",
      payload: { tool: "other" },
      auto_merge: false,
      required_contexts: [],
    });
    expect(res.status).toBe(201);
    const records = await githubLedger(octokit(), repo).list("staging");
    expect(records.every((r) => r.payload.kind === "deploy")).toBe(true);
    expect(records.length).toBe(2);
  });

  test("the history reads every page: the oldest of 130 deployments is still there, with all its statuses", async () => {
    const api = octokit();
    const bundles = Array.from({ length: 130 }, (_, i) => i.toString(16).padStart(64, "0"));
    for (const bundle of bundles) {
      const res = await api.rest.repos.createDeployment({
        ...repo,
        ref: commit,
        environment: "history",
        payload: { kind: "deploy", bundle, commit },
        auto_merge: false,
        required_contexts: [],
      });
      if (!("id" in res.data)) throw new Error("no deployment");
      for (const state of ["in_progress", "success"] as const)
        await api.rest.repos.createDeploymentStatus({ ...repo, deployment_id: res.data.id, state });
    }
    const only = fake.deployments.find((d) => d.environment === "history");
    for (let i = 0; i < 110; i++)
      await api.rest.repos.createDeploymentStatus({
        ...repo,
        deployment_id: only?.id as number,
        state: "queued",
      });
    github.requests.length = 0;
    const records = await githubLedger(api, repo).list("history");
    expect(records.length).toBe(130);
    expect(records.at(-1)?.payload.bundle).toBe(bundles[0] as string);
    // 2 + 110 written above, and the "inactive" GitHub adds when the next deploy succeeds.
    expect(records.at(-1)?.statuses.length).toBe(113);
    expect(records.at(-1)?.statuses.at(-1)?.state).toBe("in_progress");
    expect(github.requests.filter((r) => r.path.includes("/deployments?")).length).toBe(2);
  });

  test("GitHub's refusals become environment failures that name the call", async () => {
    const ledger = githubLedger(octokit(), repo);
    const e = await ledger
      .setStatus(fake.deployments[0]?.id as number, "success", "x".repeat(141))
      .catch((x) => x);
    expect(e).toBeInstanceOf(EnvironmentError);
    expect(e.message).toContain("GitHub refused to set deployment #");
    expect(e.message).toContain("(422)");
    const unknownRef = await ledger
      .create({
        environment: "production",
        ref: "v9.9.9",
        sha: commit,
        payload: { kind: "promote", bundle: "d".repeat(64), commit },
        description: "",
        productionEnvironment: true,
      })
      .catch((x) => x);
    expect(unknownRef.message).toContain("No ref found for: v9.9.9");
    const badToken = await githubLedger(makeOctokit("nope", github.url), repo)
      .list("staging")
      .catch((x) => x);
    expect(badToken.message).toContain("(401)");
  });
});

describe("bundles as workflow artifacts", () => {
  test("a bundle uploaded by an earlier run is downloaded, unzipped and hash-checked", async () => {
    const bundle = await stagingBundleOf(tree, commit, "artifact");
    fake.addArtifact(
      repo.owner,
      repo.repo,
      bundleArtifactName(bundle.sha256),
      makeZip(new Map([[`${bundle.sha256}.json`, encodeBundle(bundle)]])),
      { id: 42, headSha: commit },
    );
    const store = artifactBundleStore(octokit(), repo, scratch());
    const got = await store.get(bundle.sha256);
    expect(got?.sha256).toBe(bundle.sha256);
    expect(got?.content).toEqual(bundle.content);
    expect(await store.get("0".repeat(64))).toBeUndefined();
  });

  test("a tampered artifact is refused with both hashes", async () => {
    const bundle = await stagingBundleOf(tree, commit, "tampered");
    const text = encodeBundle(bundle).replace('"replicas": 1', '"replicas": 7');
    fake.addArtifact(
      repo.owner,
      repo.repo,
      bundleArtifactName(bundle.sha256),
      makeZip(new Map([["b.json", text]])),
      {
        id: 43,
        headSha: commit,
      },
    );
    const e = await artifactBundleStore(octokit(), repo, scratch())
      .get(bundle.sha256)
      .catch((x) => x);
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(`declares sha256 ${bundle.sha256} but its content hashes to`);
  });
});
