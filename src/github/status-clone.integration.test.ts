import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { git } from "../testing/git.ts";
import { makeOctokit } from "./octokit.ts";

const clone = scratchRepo();
const deployments = new FakeDeployments();
const github = new FakeGitHub().use(deployments);
const commit = "c".repeat(40);

beforeAll(async () => {
  github.start();
  git(clone, "init", "-q");
  git(clone, "remote", "add", "origin", "git@github.com:overflying/platform.git");
  const api = makeOctokit("ghs-test-token", github.url);
  const res = await api.rest.repos.createDeployment({
    owner: "overflying",
    repo: "platform",
    ref: commit,
    environment: "staging",
    payload: { kind: "deploy", bundle: "b".repeat(64), commit },
    auto_merge: false,
    required_contexts: [],
  });
  if (!("id" in res.data)) throw new Error("no deployment");
  await api.rest.repos.createDeploymentStatus({
    owner: "overflying",
    repo: "platform",
    deployment_id: res.data.id,
    state: "success",
  });
});
afterAll(async () => {
  await github.stop();
  rmSync(clone, { recursive: true, force: true });
});

test("GIVEN a clone without GITHUB_REPOSITORY WHEN status runs THEN the origin remote names the repository", async () => {
  const run = await runFlyby(["status", "--env", "staging", "--json"], clone, {
    GITHUB_TOKEN: "ghs-test-token",
    GITHUB_API_URL: github.url,
  });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  expect(run.stdout).toContain("b".repeat(64));
  expect(github.requests.some((r) => r.path.startsWith("/repos/overflying/platform/deployments?"))).toBe(
    true,
  );
});

test("a clone whose origin is not on a host path names what to set, exit 2", async () => {
  const local = scratchRepo();
  try {
    git(local, "init", "-q");
    git(local, "remote", "add", "origin", "/srv/git/platform.git");
    const run = await runFlyby(["status", "--env", "staging"], local, {
      GITHUB_TOKEN: "ghs-test-token",
      GITHUB_API_URL: github.url,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("set GITHUB_REPOSITORY=owner/repo");
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
});
