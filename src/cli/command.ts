import type { OptionSpec, OptionValues } from "../core/options.ts";
import type { Outcome } from "../core/outcome.ts";

/** Where a command writes. Colour is decided once, at the edge. */
export interface Output {
  readonly color: boolean;
  readonly json: boolean;
  readonly stdoutIsTTY: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CommandContext {
  readonly options: OptionValues;
  readonly positionals: readonly string[];
  readonly out: Output;
  /** The repository root the command works in. */
  readonly cwd: string;
  /** The folder the command was run in: paths a person typed are relative to it. */
  readonly workDir: string;
  /** A snapshot of the process environment, passed in so commands stay testable. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What a command does; its module is imported only when the command runs. */
export interface CommandImplementation {
  /** What the command found; the exit policy (src/app/exit-policy.ts) turns it into the exit code. */
  run(ctx: CommandContext): Promise<Outcome>;
}

/**
 * A command as help and the parser see it. Its implementation (and the libraries it needs)
 * loads on demand, so `--help` and `--version` start without them.
 */
export interface Command {
  /** One or two words: `render`, `alerts build`. */
  readonly name: string;
  readonly summary: string;
  /** The synopsis after `flyby`, e.g. `render --env E [--out DIR]`. */
  readonly synopsis: string;
  /** Longer help: what it does, exit codes worth knowing, an example. */
  readonly details?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  load(): Promise<CommandImplementation>;
}
