import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";
import { treeSnapshot } from "../../testing/tree.ts";

/**
 * The bad-input corpus: every malformed input exits 2 with file:line and a sentence a
 * person understands, and changes no file.
 */
interface Case {
  description: string;
  env?: string;
  files: Record<string, string>;
  /** Files whose text is repeated this many times (to build a huge file without storing it). */
  repeat?: Record<string, number>;
  expect: { where: string; says: string };
}

const dir = join(import.meta.dir, "testdata", "bad-input");
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".yaml"))
  .sort()
  .map((f) => ({ name: f, ...(parse(readFileSync(join(dir, f), "utf8")) as Case) }));
const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe("bad input", () => {
  test("the corpus holds at least 15 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of cases) {
    test(`${c.name}: ${c.description}`, async () => {
      const repo = scratchRepo();
      scratch.push(repo);
      for (const [path, text] of Object.entries(c.files)) {
        writeFileSync(join(repo, "manifests", path), text.repeat(c.repeat?.[path] ?? 1));
      }
      const before = treeSnapshot(repo);
      const run = await runFlyby(["render", "--env", c.env ?? "staging", "--out", "out"], repo);
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 2,
        stderr: expect.stringContaining(c.expect.says),
      });
      expect(run.stderr).toContain(c.expect.where);
      expect(run.stderr).not.toContain("internal error");
      expect(run.stdout).toBe("");
      expect(existsSync(join(repo, "out"))).toBe(false);
      expect(treeSnapshot(repo)).toEqual(before);
    });
  }
});
