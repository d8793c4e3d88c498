import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import type { EnvironmentDiff } from "../diff/report.ts";
import { Section, sectionOf } from "../pr/comment.ts";
import { encodePrObjects } from "./pr-objects.ts";

/** Writes a section where the comment job collects them: `<env>.<mode>.section.json`. */
export function writeSection(dir: string, section: Section): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${section.summary.environment}.${section.summary.mode}.section.json`);
  writeFileSync(file, `${JSON.stringify(section)}\n`);
  return file;
}

/**
 * Every section file under `dir` (recursively, as artifacts unpack), checked against the
 * schema. No folder means no job got as far as a section: nothing to add.
 */
export function readSections(dir: string): Section[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".section.json"))
    .sort();
  return files.map((f) => {
    const file = join(dir, f);
    const parsed = Section.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new InputError(issue?.message ?? "not a section", { file, line: 1 }, issue?.path.join("."));
    }
    return parsed.data;
  });
}

/** A PR diff's section of the one comment; `commit` ("" when unknown) is the PR head it is for. */
export function prSection(
  result: { readonly diff: EnvironmentDiff; readonly live: boolean; readonly rank: number },
  commit: string,
): Section {
  return sectionOf(result.diff, result.live ? "live" : "offline", {
    rank: result.rank,
    ...(commit ? { commit } : {}),
  });
}

/**
 * What a PR diff job leaves in `dir` for the jobs after it: the whole report
 * (`<env>.<mode>.md`), its section, and the objects it rendered (`<env>.objects.json`; none when
 * it diffed an uploaded artifact). Returns the report's path.
 */
export function writePrDiffFiles(
  dir: string,
  section: Section,
  full: string,
  rendered: readonly RenderedObject[] | undefined,
): string {
  mkdirSync(dir, { recursive: true });
  const { environment, mode } = section.summary;
  const report = join(dir, `${environment}.${mode}.md`);
  writeFileSync(report, full);
  if (rendered)
    writeFileSync(join(dir, `${environment}.objects.json`), encodePrObjects(environment, rendered));
  writeSection(dir, section);
  return report;
}
