import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sectionOf } from "../pr/comment.ts";
import { readPrSections, writePrDiffReport } from "./pr-report.ts";

const dir = mkdtempSync(join(tmpdir(), "flyby-pr-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const commit = "d".repeat(40);
const diff = { environment: "staging", against: "git:main", objects: [], blocked: [] };
const object = { apiVersion: "v1", kind: "Namespace", metadata: { name: "staging" } };
const rendered = [{ object, source: { file: "manifests/templates/namespaces.yaml.hbs", line: 1 } }];

test("GIVEN a PR diff THEN its report, section and objects are left for the comment job, and the summary is the report", () => {
  const out = join(dir, "offline");
  const written = writePrDiffReport(
    out,
    { diff, live: false, rank: 0, full: "# the report\n" },
    { commit, artifact: "flyby-pr-staging", rendered },
  );
  expect(written).toEqual({ report: join(out, "staging.offline.md"), summary: "# the report\n" });
  expect(readFileSync(written.report, "utf8")).toBe("# the report\n");
  expect(readdirSync(out).sort()).toEqual([
    "staging.objects.json",
    "staging.offline.md",
    "staging.offline.section.json",
  ]);
  expect(readPrSections(out)).toEqual([sectionOf(diff, "offline", { rank: 0, commit })]);
});

test("GIVEN a diff of an uploaded artifact THEN no objects of its own are written", () => {
  const out = join(dir, "live");
  writePrDiffReport(
    out,
    { diff, live: true, rank: 0, full: "" },
    { commit: "", artifact: "flyby-pr-staging" },
  );
  expect(readdirSync(out).sort()).toEqual(["staging.live.md", "staging.live.section.json"]);
});
