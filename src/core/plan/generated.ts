/**
 * Generated files that are committed (the alerting objects under manifests/) must be what
 * their generator makes from today's sources; otherwise a change in alerts/ or in the
 * values would never reach the cluster, and `plan` would report "no changes".
 */
import { type Finding, Severity } from "../finding.ts";

export interface GeneratedFile {
  /** Repository-relative path of the committed file. */
  readonly path: string;
  /** What the generator writes today. */
  readonly expected: string;
  /** The committed text, or undefined when the file does not exist. */
  readonly actual: string | undefined;
  /** The command that regenerates it, e.g. `bun run flyby alerts build`. */
  readonly regenerate: string;
  /** What the generator reads, for the message: `alerts/ and manifests/values/`. */
  readonly sources: string;
}

function firstDifferentLine(a: string, b: string): number {
  const x = a.split("\n");
  const y = b.split("\n");
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return i + 1;
  return 1;
}

/** One error finding per committed generated file that is missing or differs from its generator's output. */
export function staleGeneratedFiles(files: readonly GeneratedFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const f of files) {
    if (f.actual === f.expected) continue;
    findings.push({
      severity: Severity.Error,
      rule: "generated-stale",
      message:
        f.actual === undefined
          ? `${f.path} is missing: it is generated from ${f.sources}`
          : `${f.path} differs from what ${f.sources} generate today`,
      location: { file: f.path, line: f.actual === undefined ? 1 : firstDifferentLine(f.actual, f.expected) },
      hint: `run \`${f.regenerate}\` and commit the result`,
    });
  }
  return findings;
}
