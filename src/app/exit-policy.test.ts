import { describe, expect, test } from "bun:test";
import { EnvironmentError, InputError, UsageError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { Severity } from "../core/finding.ts";
import { Failure } from "../core/outcome.ts";
import { exitCodeOf, exitCodeOfError, failureOfError, isClean } from "./exit-policy.ts";

describe("exit policy", () => {
  test("GIVEN nothing found THEN 0", () => {
    expect(exitCodeOf({})).toBe(ExitCode.Ok);
    expect(exitCodeOf({ changes: 0, findings: [], checks: [{ passed: true }], failures: [] })).toBe(
      ExitCode.Ok,
    );
  });

  test("GIVEN a change, a failed check or an error finding THEN 1", () => {
    expect(exitCodeOf({ changes: 3 })).toBe(ExitCode.NotClean);
    expect(exitCodeOf({ checks: [{ passed: true }, { passed: false }] })).toBe(ExitCode.NotClean);
    expect(exitCodeOf({ findings: [{ severity: Severity.Error }] })).toBe(ExitCode.NotClean);
  });

  test("GIVEN only warnings and notes THEN the run is clean: they inform, errors fail", () => {
    expect(exitCodeOf({ findings: [{ severity: Severity.Warning }, { severity: Severity.Info }] })).toBe(
      ExitCode.Ok,
    );
  });

  test("GIVEN several failures THEN the worst decides: environment over input over a conflict", () => {
    expect(exitCodeOf({ failures: [Failure.Rollout] })).toBe(ExitCode.NotClean);
    expect(exitCodeOf({ failures: [Failure.Conflict, Failure.Input] })).toBe(ExitCode.BadInput);
    expect(exitCodeOf({ failures: [Failure.Input, Failure.Environment, Failure.Rollout] })).toBe(
      ExitCode.EnvironmentFailed,
    );
    // A failure outranks what else is not clean.
    expect(exitCodeOf({ changes: 2, failures: [Failure.Environment] })).toBe(ExitCode.EnvironmentFailed);
  });

  test("GIVEN an outcome THEN isClean agrees with the exit code", () => {
    expect(isClean({ changes: 0 })).toBe(true);
    expect(isClean({ failures: [Failure.Rollout] })).toBe(false);
  });

  test("GIVEN a thrown error THEN its kind decides: input and usage 2, environment 3, a bug 3", () => {
    expect(exitCodeOfError(new InputError("bad"))).toBe(ExitCode.BadInput);
    expect(exitCodeOfError(new UsageError("bad"))).toBe(ExitCode.BadInput);
    expect(exitCodeOfError(new EnvironmentError("down"))).toBe(ExitCode.EnvironmentFailed);
    expect(exitCodeOfError(new TypeError("x is undefined"))).toBe(ExitCode.EnvironmentFailed);
  });

  test("GIVEN a thrown error reported as a value THEN its failure keeps the exit code", () => {
    for (const e of [
      new InputError("bad"),
      new UsageError("bad"),
      new EnvironmentError("down"),
      new Error("bug"),
    ])
      expect(exitCodeOf({ failures: [failureOfError(e)] })).toBe(exitCodeOfError(e));
  });
});
