import { FlybyError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { Severity } from "../core/finding.ts";
import { Failure, type Outcome } from "../core/outcome.ts";

const failureCode: Record<Failure, ExitCode> = {
  [Failure.Environment]: ExitCode.EnvironmentFailed,
  [Failure.Input]: ExitCode.BadInput,
  [Failure.Conflict]: ExitCode.NotClean,
  [Failure.Rollout]: ExitCode.NotClean,
};

/**
 * The command-line contract's exit code for an outcome: the worst of its failures (3 for the
 * environment, 2 for bad input, 1 for a conflict or rollout), else 1 when anything is not
 * clean (a change, an error finding, a failed check), else 0: warnings and notes inform. The
 * CLI, the actions and the workflows all decide through here.
 */
export function exitCodeOf(outcome: Outcome): ExitCode {
  const worstFailure = (outcome.failures ?? []).reduce<ExitCode>(
    (worst, f) => Math.max(worst, failureCode[f]) as ExitCode,
    ExitCode.Ok,
  );
  if (worstFailure !== ExitCode.Ok) return worstFailure;
  const notClean =
    (outcome.changes ?? 0) > 0 ||
    (outcome.findings ?? []).some((f) => f.severity === Severity.Error) ||
    (outcome.checks ?? []).some((c) => !c.passed);
  return notClean ? ExitCode.NotClean : ExitCode.Ok;
}

/**
 * The exit code for an error a use case threw: its kind's (input and usage 2, environment 3);
 * anything not flyby's own is a bug, reported as 3.
 */
export function exitCodeOfError(error: unknown): ExitCode {
  return error instanceof FlybyError ? error.exitCode : ExitCode.EnvironmentFailed;
}

/** True when the outcome passes the policy: what "the deploy succeeded" means everywhere. */
export function isClean(outcome: Outcome): boolean {
  return exitCodeOf(outcome) === ExitCode.Ok;
}

/** The kind of failure a thrown error stands for, for an outcome that reports it as a value. */
export function failureOfError(error: unknown): Failure {
  return exitCodeOfError(error) === ExitCode.BadInput ? Failure.Input : Failure.Environment;
}
