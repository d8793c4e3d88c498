import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchRepo } from "../testing/cli.ts";
import { git as gitIn } from "../testing/git.ts";
import { renderComment } from "./pr-comment.ts";
import { prDiff } from "./pr-diff.ts";
import { encodePrObjects } from "./pr-objects.ts";

const repo = scratchRepo();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const git = (...args: string[]) => gitIn(repo, ...args);

test("GIVEN a PR that changes one value THEN the comment shows exactly that change, under the size limit", async () => {
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "base");
  const values = join(repo, "manifests", "values", "production.yaml");
  writeFileSync(
    values,
    readFileSync(values, "utf8").replace(/replicas: (\d+)/, (_, n) => `replicas: ${Number(n) + 1}`),
  );
  const result = await prDiff({
    cwd: repo,
    environment: "production",
    against: "git:HEAD",
    commit: "e".repeat(40),
  });
  expect(result.changed).toBe(true);
  const parts = renderComment([result.section]);
  expect(parts.length).toBe(1);
  expect((parts[0] ?? "").length).toBeLessThan(65_000);
  const changedLines = (parts[0] ?? "").split("\n").filter((l) => /^[-+] /.test(l));
  expect(changedLines.length).toBe(2);
  expect(changedLines[0]).toMatch(/^- {2}replicas: \d+$/);
  expect(result.diff.objects.filter((o) => o.change !== "unchanged").map((o) => o.paths)).toEqual([
    ["spec.replicas"],
  ]);
  expect(result.section.summary).toMatchObject({
    environment: "production",
    mode: "offline",
    commit: "e".repeat(40),
  });
  expect(Array.isArray(result.findings)).toBe(true);

  // The trusted job diffs the uploaded objects, not a render of the PR: the same answer.
  const artifact = join(repo, "production.objects.json");
  writeFileSync(artifact, encodePrObjects("production", result.head));
  const fromArtifact = await prDiff({
    cwd: repo,
    environment: "production",
    against: "git:HEAD",
    objects: artifact,
  });
  expect(fromArtifact.diff.objects.map((o) => [o.ref.name, o.change])).toEqual(
    result.diff.objects.map((o) => [o.ref.name, o.change]),
  );
  expect(fromArtifact.findings).toEqual([]);
});
