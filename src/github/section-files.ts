import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { Section } from "./pr-comment.ts";

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
