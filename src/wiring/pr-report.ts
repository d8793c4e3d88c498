import type { PrDiff } from "../app/diff-pr.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import { prSection, readSections, writePrDiffFiles } from "../github/section-files.ts";
import type { Section } from "../pr/comment.ts";
import { jobSummary } from "../pr/job-summary.ts";

/**
 * The PR report's files, as the jobs of the PR workflow hand them on: a diff job leaves its
 * whole report, its section of the PR comment and the objects it rendered; the comment job
 * reads every section back.
 */

/** What a diff job wrote: the whole report's path, and the job summary that shows or points to it. */
export interface PrDiffReport {
  readonly report: string;
  readonly summary: string;
}

/**
 * Writes a PR diff's files under `dir`: `commit` ("" when unknown) is the PR head it is for,
 * `artifact` the name the whole report is uploaded under, and `rendered` the objects to leave
 * for the live job (none when the diff read an uploaded artifact).
 */
export function writePrDiffReport(
  dir: string,
  result: Pick<PrDiff, "diff" | "live" | "rank" | "full">,
  given: {
    readonly commit: string;
    readonly artifact: string;
    readonly rendered?: readonly RenderedObject[];
  },
): PrDiffReport {
  const section = prSection(result, given.commit);
  const report = writePrDiffFiles(dir, section, result.full, given.rendered);
  return { report, summary: jobSummary(result.full, [section], given.artifact) };
}

/** Every section the diff jobs left under `dir` (none when no job got that far). */
export function readPrSections(dir: string): Section[] {
  return readSections(dir);
}
