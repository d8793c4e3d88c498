import { afterAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scratchRepo } from "../testing/cli.ts";
import { git as gitIn } from "../testing/git.ts";
import { prDiff } from "./pr-diff.ts";
import { marker } from "./sticky.ts";

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
  const result = await prDiff({ cwd: repo, environment: "production", against: "git:HEAD" });
  expect(result.changed).toBe(true);
  expect(result.parts.length).toBe(1);
  expect((result.parts[0] ?? "").length + marker("production", 1, 1).length).toBeLessThan(65_536);
  const changedLines = (result.parts[0] ?? "").split("\n").filter((l) => /^[-+] /.test(l));
  expect(changedLines.length).toBe(2);
  expect(changedLines[0]).toMatch(/^- {2}replicas: \d+$/);
  expect(result.diff.objects.filter((o) => o.change !== "unchanged").map((o) => o.paths)).toEqual([
    ["spec.replicas"],
  ]);
  expect(result.full).toContain(result.parts[0] ?? "");
  expect(Array.isArray(result.findings)).toBe(true);
});
