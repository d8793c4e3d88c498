import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeAtomically } from "./alerts-files.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "flyby-files-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writeAtomically", () => {
  test("GIVEN an earlier build WHEN writing again THEN the directory holds only the new files and no temp dir is left", async () => {
    const out = join(root, ".flyby", "alerts");
    await writeAtomically(out, new Map([["old.yaml", "old"]]));
    await writeAtomically(out, new Map([["rules/a.yaml", "a"]]));
    expect((await readdir(out)).sort()).toEqual([".flyby-output", "rules"]);
    expect(await readFile(join(out, "rules/a.yaml"), "utf8")).toBe("a");
    expect(await readdir(join(root, ".flyby"))).toEqual(["alerts"]);
  });

  test("GIVEN an earlier build with a file flyby did not write WHEN writing again THEN it refuses and keeps the folder", async () => {
    const out = join(root, ".flyby", "alerts");
    await writeAtomically(out, new Map([["old.yaml", "old"]]));
    await writeFile(join(out, "notes.txt"), "mine");
    await expect(writeAtomically(out, new Map([["rules/a.yaml", "a"]]))).rejects.toThrow(
      "it holds files flyby did not write (notes.txt)",
    );
    expect((await readdir(out)).sort()).toEqual([".flyby-output", "notes.txt", "old.yaml"]);
    expect(await readdir(join(root, ".flyby"))).toEqual(["alerts"]);
  });
});
