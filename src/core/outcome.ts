import type { Severity } from "./finding.ts";

/** Why something a use case did failed: the world, the input, or the answer itself. */
export const Failure = {
  /** A cluster, an API or a tool could not be reached, refused us, or timed out. */
  Environment: "environment",
  /** Bad input a person must fix (a file, a field, a refused bundle). */
  Input: "input",
  /** Another field manager owns a field, or the server refused the change as it stands. */
  Conflict: "conflict",
  /** Applied, but the workload did not become ready. */
  Rollout: "rollout",
} as const;
export type Failure = (typeof Failure)[keyof typeof Failure];

/**
 * What a use case found, as values. It never carries an exit code: `exitCodeOf` in
 * `exit-policy.ts` is the one place that decides what fails and how.
 */
export interface Outcome {
  /** Findings (validation, lint, rule checks); the policy decides which severities fail. */
  readonly findings?: readonly { readonly severity: Severity }[];
  /** Objects that differ from what was asked for (diff, drift, a stale generated file). */
  readonly changes?: number;
  /** Checks that ran (smoke checks, promtool/amtool runs, a deployment's end state). */
  readonly checks?: readonly { readonly passed: boolean }[];
  /** What failed, one entry per failed object or step. */
  readonly failures?: readonly Failure[];
}
