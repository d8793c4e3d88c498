import { afterAll, beforeAll, expect, test } from "bun:test";
import { driftLabel } from "../promote/drift.ts";
import { FakeIssues } from "../testing/fake-github/issues.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { githubDriftIssues } from "./issues.ts";
import { makeOctokit } from "./octokit.ts";

const repo = { owner: "overflying", repo: "platform" };
const issues = new FakeIssues();
const github = new FakeGitHub().use(issues);
const bot = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

beforeAll(() => {
  github.start();
  for (let n = 1; n <= 140; n++) {
    issues.issues.push({
      number: n,
      ...repo,
      title: n === 1 ? "Drift in production" : `Drift in cluster ${n}`,
      body: "",
      state: "open",
      state_reason: null,
      labels: [driftLabel],
      user: bot,
      created_at: "2026-11-01T00:00:00Z",
      updated_at: "2026-11-01T00:00:00Z",
      closed_at: null,
    });
  }
});
afterAll(() => github.stop());

test("GIVEN 140 open drift issues WHEN the oldest is looked up THEN every page is read and it is found", async () => {
  const found = await githubDriftIssues(makeOctokit("ghs-test-token", github.url), repo).findOpen(
    "Drift in production",
  );
  expect(found).toEqual({ number: 1 });
  expect(github.requests.filter((r) => r.path.startsWith("/repos/overflying/platform/issues?")).length).toBe(
    2,
  );
});
