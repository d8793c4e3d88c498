import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sectionOf } from "../pr/comment.ts";
import { FakeGitHub, json } from "../testing/fake-github/server.ts";
import { actionGitHub } from "./github.ts";

const repo = { owner: "overflying", repo: "flyby" };
const head = "a".repeat(40);
const base = "b".repeat(40);

describe("an action's GitHub client against the fake GitHub API", () => {
  // Pull request 7 is open at `head`; the fake answers GET .../pulls/7 as GitHub does.
  const github = new FakeGitHub().use({
    handle: async (req, url) =>
      req.method === "GET" && url.pathname === "/repos/overflying/flyby/pulls/7"
        ? json(200, { number: 7, state: "open", head: { sha: head }, base: { sha: base } })
        : undefined,
  });
  const dir = mkdtempSync(join(tmpdir(), "flyby-action-github-"));
  beforeAll(() => github.start());
  afterAll(async () => {
    await github.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const client = () => actionGitHub("ghs-test-token", github.url);

  test("GIVEN a section WHEN the PR comment is updated THEN the PR holds one flyby comment with its headline", async () => {
    const diff = { environment: "staging", against: "git:main", objects: [], blocked: [] };
    const posted = await client().updatePrComment({ ...repo, number: 7 }, [
      sectionOf(diff, "offline", { rank: 0 }),
    ]);
    expect(posted).toEqual({ created: 1, updated: 0, unchanged: 0, deleted: 0 });
    const [comment, ...more] = github.commentsOn("overflying", "flyby", 7);
    expect(more).toEqual([]);
    expect(comment).toContain("**staging**: no changes");
  });

  test("GIVEN a context file naming PR 7 at the run's commit THEN GitHub confirms it and gives its base", async () => {
    const file = join(dir, "context.json");
    writeFileSync(file, JSON.stringify({ pullRequest: 7, head }));
    expect(await client().verifyPrContextFile(repo, file, head)).toEqual({ number: 7, base });
    const other = "c".repeat(40);
    writeFileSync(file, JSON.stringify({ pullRequest: 7, head: other }));
    await expect(client().verifyPrContextFile(repo, file, other)).rejects.toThrow(
      `pull request #7 is at ${head}, not at ${other}`,
    );
  });
});
