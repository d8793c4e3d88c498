import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sectionOf } from "./pr-comment.ts";
import { readSections, writeSection } from "./section-files.ts";

const dir = mkdtempSync(join(tmpdir(), "flyby-sections-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const diff = { environment: "staging", against: "cluster", objects: [], blocked: [] };

test("sections written by the diff jobs are read back from the unpacked artifacts", () => {
  const section = sectionOf(diff, "live", { rank: 0, commit: "a".repeat(40) });
  writeSection(join(dir, "one", "nested"), section);
  expect(readSections(join(dir, "one"))).toEqual([section]);
  expect(readSections(join(dir, "never-written"))).toEqual([]);
});

test("a file that is not a section is refused, naming the field", () => {
  mkdirSync(join(dir, "bad"));
  writeFileSync(
    join(dir, "bad", "x.live.section.json"),
    JSON.stringify({ summary: { environment: "staging" }, chunks: [] }),
  );
  expect(() => readSections(join(dir, "bad"))).toThrow(/x\.live\.section\.json:1: .*summary\.mode/);
});
