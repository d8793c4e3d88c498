import { afterAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { sectionOf } from "../pr/comment.ts";
import { repoRoot } from "../testing/cli.ts";
import { readPrObjects } from "./pr-objects.ts";
import { prSection, readSections, writePrDiffFiles, writeSection } from "./section-files.ts";

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

test("a PR diff job leaves its report, its section and the objects it rendered", () => {
  const out = join(dir, "pr");
  const section = prSection({ diff, live: false, rank: 0 }, "");
  expect(section).toEqual(sectionOf(diff, "offline", { rank: 0 }));
  const object = { apiVersion: "v1", kind: "Namespace", metadata: { name: "staging" } };
  const rendered = [{ object, source: { file: "manifests/templates/namespaces.yaml.hbs", line: 1 } }];
  const report = writePrDiffFiles(out, section, "# the report\n", rendered);
  expect(report).toBe(join(out, "staging.offline.md"));
  expect(readFileSync(report, "utf8")).toBe("# the report\n");
  expect(readSections(out)).toEqual([section]);
  const staging = loadEnvironments(loadManifestTree(join(repoRoot, "manifests"))).get("staging");
  expect(readPrObjects(join(out, "staging.objects.json"), staging)).toEqual(rendered);

  // Diffing an uploaded artifact writes no objects of its own.
  const again = join(dir, "pr-artifact");
  writePrDiffFiles(again, sectionOf(diff, "live", { rank: 0 }), "", undefined);
  expect(readdirSync(again).sort()).toEqual(["staging.live.md", "staging.live.section.json"]);
});
