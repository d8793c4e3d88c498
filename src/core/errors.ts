import { ExitCode } from "./exit-code.ts";
import { formatLocation, type SourceLocation } from "./location.ts";

/**
 * Errors the core throws. Each carries the exit code of the contract; the exit policy
 * (src/app/exit-policy.ts) is what the CLI and the actions ask for the code.
 */
export abstract class FlybyError extends Error {
  abstract readonly exitCode: ExitCode;
}

/** Bad input: a file, a value or a field a person must fix. Always names where. */
export class InputError extends FlybyError {
  readonly exitCode = ExitCode.BadInput;
  constructor(
    readonly reason: string,
    readonly location?: SourceLocation,
    readonly fieldPath?: string,
  ) {
    super(InputError.compose(reason, location, fieldPath));
    this.name = "InputError";
  }

  private static compose(reason: string, location?: SourceLocation, fieldPath?: string): string {
    const where = location ? `${formatLocation(location)}: ` : "";
    const field = fieldPath ? ` (at ${fieldPath})` : "";
    return `${where}${reason}${field}`;
  }
}

/** Wrong command-line usage: unknown command, flag or value. */
export class UsageError extends FlybyError {
  readonly exitCode = ExitCode.BadInput;
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = "UsageError";
  }
}

/** The world failed: a cluster, an API or a tool could not be reached or refused us. */
export class EnvironmentError extends FlybyError {
  readonly exitCode = ExitCode.EnvironmentFailed;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EnvironmentError";
  }
}
