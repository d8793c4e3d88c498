import { parseArgs } from "node:util";
import { FlybyError, UsageError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import type { Command, Output } from "./command.ts";
import { commands } from "./commands/index.ts";
import { commandHelp, mainHelp } from "./help.ts";

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

function findCommand(args: readonly string[]): { command: Command; rest: string[] } | undefined {
  const two = `${args[0]} ${args[1]}`;
  const byTwo = commands.find((c) => c.name === two);
  if (byTwo) return { command: byTwo, rest: args.slice(2) };
  const byOne = commands.find((c) => c.name === args[0]);
  return byOne ? { command: byOne, rest: args.slice(1) } : undefined;
}

function parseCommandArgs(cmd: Command, rest: readonly string[]) {
  const options = {
    ...Object.fromEntries(
      Object.entries(cmd.options).map(([name, o]) => [
        name,
        { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
      ]),
    ),
    json: { type: "boolean" as const },
    "no-color": { type: "boolean" as const },
    help: { type: "boolean" as const, short: "h" },
  };
  const parse = () => parseArgs({ args: [...rest], options, strict: true, allowPositionals: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (e) {
    throw new UsageError(
      (e as Error).message.replace(/\. To specify a positional.*$/s, ""),
      commandHelp(cmd),
    );
  }
  // No command takes positional arguments: a stray word is a mistake, not something to ignore.
  const stray = parsed.positionals[0];
  if (stray !== undefined) throw new UsageError(`unexpected argument "${stray}"`, commandHelp(cmd));
  return parsed;
}

/**
 * Parses a command line as `flyby` would run it, without running it: the command and its
 * option values, or a UsageError. Workflows' command lines are checked with it.
 */
export function parseCommandLine(argv: readonly string[]): {
  readonly command: Command;
  readonly values: ReturnType<typeof parseCommandArgs>["values"];
} {
  const found = findCommand(argv);
  if (!found) throw new UsageError(`unknown command "${argv[0] ?? ""}"`);
  return { command: found.command, values: parseCommandArgs(found.command, found.rest).values };
}

/**
 * The one edge of the CLI: runs a command and turns every outcome into the contract's
 * exit code. Nothing else in flyby exits the process or decides an exit code from an error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const args = [...argv];
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    io.stdout(mainHelp(commands));
    return args.length === 0 ? ExitCode.BadInput : ExitCode.Ok;
  }
  const found = findCommand(args);
  if (!found) {
    io.stderr(`flyby: unknown command "${args[0]}"\n\n${mainHelp(commands)}`);
    return ExitCode.BadInput;
  }
  const { command, rest } = found;
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help) {
      io.stdout(commandHelp(command));
      return ExitCode.Ok;
    }
    const json = parsed.values.json === true;
    const color = io.stdoutIsTTY && !json && parsed.values["no-color"] !== true && !io.env.NO_COLOR;
    const out: Output = { color, json, stdoutIsTTY: io.stdoutIsTTY, stdout: io.stdout, stderr: io.stderr };
    return await command.run({
      options: parsed.values,
      positionals: parsed.positionals,
      out,
      cwd: io.cwd,
      env: io.env,
    });
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(
        `flyby ${command.name}: ${e.message}\n${e.usage ? `\n${e.usage}` : `Run \`flyby ${command.name} --help\`.\n`}`,
      );
      return e.exitCode;
    }
    if (e instanceof FlybyError) {
      io.stderr(`flyby ${command.name}: ${e.message}\n`);
      return e.exitCode;
    }
    // Not an expected failure: a bug. Keep the stack so it can be reported.
    io.stderr(`flyby ${command.name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return ExitCode.EnvironmentFailed;
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTTY: process.stdout.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
  });
  process.exitCode = code;
}
