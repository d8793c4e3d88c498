/** The command-line contract's exit codes (shared/DESIGN.md). Exactly one place maps outcomes to them. */
export const ExitCode = {
  /** ok, or no changes */
  Ok: 0,
  /** the command worked, but the answer is "not clean": changes, findings, failed checks */
  NotClean: 1,
  /** bad input or usage */
  BadInput: 2,
  /** the environment failed: cluster unreachable, auth, timeout */
  EnvironmentFailed: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
