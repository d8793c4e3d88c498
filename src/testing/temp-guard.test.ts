import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { leftoverGuard } from "./temp-guard.ts";

describe("the temp-directory guard", () => {
  test("GIVEN a test that leaves a file and a folder THEN finish names both with the test file and cleans up", () => {
    const env: Record<string, string | undefined> = {};
    const guard = leftoverGuard(env);
    expect([env.TMPDIR, env.TMP, env.TEMP]).toEqual([guard.dir, guard.dir, guard.dir]);
    writeFileSync(join(guard.dir, "kubeconfig"), "x");
    guard.notice(join(process.cwd(), "src/a.test.ts"));
    mkdirSync(join(guard.dir, "flyby-out-1"));
    guard.notice(join(process.cwd(), "src/b.test.ts"));
    expect(() => guard.finish()).toThrow(
      "tests left 2 entries in the temp directory:\n" +
        "  flyby-out-1 (first seen after a test of src/b.test.ts)\n" +
        "  kubeconfig (first seen after a test of src/a.test.ts)",
    );
    expect(existsSync(guard.dir)).toBe(false);
  });

  test("GIVEN tests that clean up after themselves THEN finish passes and removes the folder", () => {
    const guard = leftoverGuard({});
    writeFileSync(join(guard.dir, "scratch"), "x");
    guard.notice("src/a.test.ts");
    rmSync(join(guard.dir, "scratch"));
    expect(() => guard.finish()).not.toThrow();
    expect(existsSync(guard.dir)).toBe(false);
  });
});
