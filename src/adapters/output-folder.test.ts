import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isBundleText } from "../bundle/bundle.ts";
import { treeSnapshot } from "../testing/tree.ts";
import { outputMarker, writeOutputFile, writeOutputFolder } from "./output-folder.ts";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "flyby-output-"));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("writeOutputFolder", () => {
  test("GIVEN a file name that climbs out WHEN writing THEN it refuses and writes nothing", () => {
    const before = treeSnapshot(root);
    for (const name of [
      "../escaped.yaml",
      "a/../../escaped.yaml",
      "/etc/escaped.yaml",
      "a//b.yaml",
      outputMarker,
    ]) {
      expect(() => writeOutputFolder(join(root, "out"), new Map([[name, "x"]]), { display: "out" })).toThrow(
        `refusing to write the file ${JSON.stringify(name)} under "out": its name would not stay inside that folder`,
      );
    }
    expect(treeSnapshot(root)).toEqual(before);
  });

  test("GIVEN a marker that is not flyby's WHEN writing THEN the folder counts as foreign", () => {
    mkdirSync(join(root, "out"));
    writeFileSync(join(root, "out", outputMarker), "hello");
    writeFileSync(join(root, "out", "a.yaml"), "mine");
    expect(() => writeOutputFolder(join(root, "out"), new Map(), { display: "out" })).toThrow(
      "it holds files flyby did not write (.flyby-output, a.yaml)",
    );
  });

  test("GIVEN a link to a folder WHEN writing THEN it refuses", () => {
    mkdirSync(join(root, "real"));
    symlinkSync(join(root, "real"), join(root, "link"));
    expect(() => writeOutputFolder(join(root, "link"), new Map(), { display: "link" })).toThrow(
      "it is a symbolic link",
    );
  });
});

describe("writeOutputFile", () => {
  const rules = { display: "b.json", what: "a flyby bundle", ours: isBundleText };
  const bundleText = `{"sha256":"${"0".repeat(64)}","content":{}}\n`;

  test("GIVEN an earlier bundle WHEN writing THEN it is replaced", () => {
    const path = join(root, "b.json");
    writeOutputFile(path, bundleText, rules);
    writeOutputFile(path, bundleText.replace("{}", "{ }"), rules);
    expect(readFileSync(path, "utf8")).toContain("{ }");
  });

  test("GIVEN a file that is not a bundle WHEN writing THEN it refuses and keeps it", () => {
    const path = join(root, "b.json");
    writeFileSync(path, '{"mine": true}');
    expect(() => writeOutputFile(path, bundleText, rules)).toThrow(
      `refusing to write to "b.json" (${path}): the file exists and is not a flyby bundle`,
    );
    expect(readFileSync(path, "utf8")).toBe('{"mine": true}');
  });
});
