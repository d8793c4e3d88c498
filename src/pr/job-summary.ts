import { headline, type Section } from "./comment.ts";

/** GitHub refuses a step summary over 1 MiB. */
export const summaryLimit = 1024 * 1024;

const bytes = (s: string) => Buffer.byteLength(s, "utf8");

/**
 * The job summary: the whole report when it fits under GitHub's 1 MiB, else the headline and
 * a pointer to the artifact that holds the whole report.
 */
export function jobSummary(full: string, sections: readonly Section[], artifact: string): string {
  if (bytes(full) <= summaryLimit) return full;
  const mib = (bytes(full) / summaryLimit).toFixed(1);
  return [
    "## flyby",
    "",
    headline(sections),
    "",
    `The whole report (${mib} MiB) is larger than a job summary may be (1 MiB): it is in the artifact \`${artifact}\`.`,
    "",
  ].join("\n");
}
