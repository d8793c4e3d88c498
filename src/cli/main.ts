import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../../package.json" with { type: "json" };
import { exitCodeOf, exitCodeOfError } from "../app/exit-policy.ts";
import { colorWanted } from "../core/color.ts";
import { FlybyError, InputError, UsageError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { formatLocation } from "../core/location.ts";
import { didYouMean } from "../core/suggest.ts";
import { checkoutCommit } from "../wiring/repository.ts";
import type { Command, Output } from "./command.ts";
import { commands } from "./commands/index.ts";
import { commandHelp, mainHelp } from "./help.ts";
import { invocationDir } from "./invocation.ts";

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

type ParsedToken = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];

/**
 * The parser keeps the last of two values silently; a value option given twice, or --json with
 * a --format that is not json, is a mistake to name instead.
 */
function checkGivenOnce(cmd: Command, tokens: readonly ParsedToken[]): void {
  const given = tokens.flatMap((t) => (t.kind === "option" ? [t] : []));
  for (const [name, o] of Object.entries(cmd.options)) {
    if (o.type !== "string" || o.multiple) continue;
    if (given.filter((t) => t.name === name).length > 1) {
      throw new UsageError(`--${name} is given twice; it takes one value`, commandHelp(cmd));
    }
  }
  const format = given.find((t) => t.name === "format")?.value;
  if (format !== undefined && format !== "json" && given.some((t) => t.name === "json")) {
    throw new UsageError(`--json and --format ${format} ask for two outputs; give one`, commandHelp(cmd));
  }
}

function parseCommandArgs(cmd: Command, rest: readonly string[]) {
  const options = {
    ...Object.fromEntries(
      Object.entries(cmd.options).map(([name, o]) => [
        name,
        {
          type: o.type,
          ...(o.short ? { short: o.short } : {}),
          ...(o.multiple ? { multiple: true } : {}),
          ...(o.default !== undefined
            ? { default: typeof o.default === "string" ? o.default : [...o.default] }
            : {}),
        },
      ]),
    ),
    json: { type: "boolean" as const },
    "no-color": { type: "boolean" as const },
    help: { type: "boolean" as const, short: "h" },
  };
  const parse = () =>
    parseArgs({ args: [...rest], options, strict: true, allowPositionals: true, tokens: true });
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (e) {
    const message = (e as Error).message.replace(/\. To specify a positional.*$/s, "");
    const unknown = /^Unknown option '--([^']+)'/.exec(message)?.[1];
    const hint = unknown ? didYouMean(unknown, Object.keys(options), (o) => `--${o}`) : "";
    throw new UsageError(`${message}${hint}`, commandHelp(cmd));
  }
  // No command takes positional arguments: a stray word is a mistake, not something to ignore.
  const stray = parsed.positionals[0];
  if (stray !== undefined) throw new UsageError(`unexpected argument "${stray}"`, commandHelp(cmd));
  checkGivenOnce(cmd, parsed.tokens);
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

/** Whether output is coloured: `--no-color` and `--json` always win, then NO_COLOR, FORCE_COLOR and the TTY. */
export function colorOn(
  values: { readonly json?: unknown; readonly "no-color"?: unknown },
  io: Pick<CliIo, "stdoutIsTTY" | "env">,
): boolean {
  if (values.json === true || values["no-color"] === true) return false;
  return colorWanted(io.env, io.stdoutIsTTY);
}

/** The repository root: the nearest folder at or above `from` that holds manifests/environments.yaml. */
export function findRepoRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "manifests", "environments.yaml"))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** `flyby 0.1.0 (commit 1a2b3c4, Bun 1.4.5)`. */
function versionLine(root: string): string {
  let commit: string | undefined;
  try {
    commit = checkoutCommit(root);
  } catch {
    // No git on this machine: the version is still worth printing.
  }
  return `flyby ${pkg.version} (commit ${commit ?? "unknown"}, Bun ${Bun.version})\n`;
}

/** The commands under a group word, e.g. `alerts` → alerts build, alerts check, alerts test. */
const groupOf = (word: string | undefined) => commands.filter((c) => c.name.startsWith(`${word} `));

function unknownCommand(word: string): UsageError {
  const names = [...new Set(commands.map((c) => c.name.split(" ")[0] as string))];
  return new UsageError(`unknown command "${word}"${didYouMean(word, names)}`, mainHelp(commands));
}

/** `flyby --json render …` means `flyby render … --json`: the global flags may come first. */
function withGlobalFlagsLast(argv: readonly string[]): string[] {
  const isGlobal = (a: string) => a === "--json" || a === "--no-color";
  let start = 0;
  while (start < argv.length && isGlobal(argv[start] as string)) start++;
  return [...argv.slice(start), ...argv.slice(0, start)];
}

/** An error as the contract prints it: a sentence, or with --json one object on stderr. */
function reportError(io: CliIo, json: boolean, prefix: string, e: FlybyError): void {
  if (json) {
    const input = e instanceof InputError ? e : undefined;
    const location = input?.location ? formatLocation(input.location) : undefined;
    const path = input?.fieldPath;
    const message = input ? input.reason : e.message;
    const error = {
      code: exitCodeOfError(e),
      message,
      ...(location ? { location } : {}),
      ...(path ? { path } : {}),
    };
    io.stderr(`${JSON.stringify({ error })}\n`);
    return;
  }
  const usage =
    e instanceof UsageError
      ? e.usage
        ? `\n${e.usage}`
        : prefix === "flyby"
          ? ""
          : `Run \`${prefix} --help\`.\n`
      : "";
  io.stderr(`${prefix}: ${e.message}\n${usage}`);
}

/**
 * The one edge of the CLI: runs a command and turns every outcome into the contract's
 * exit code. Nothing else in flyby exits the process or decides an exit code from an error.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const args = withGlobalFlagsLast(argv);
  const json = args.includes("--json");
  // --repo DIR (or --repo=DIR) anywhere: the repository to work in, instead of the one found above cwd.
  let repo: string | undefined;
  const at = args.findIndex((a) => a === "--repo" || a.startsWith("--repo="));
  if (at >= 0) {
    const arg = args[at] as string;
    repo = arg.includes("=") ? arg.slice("--repo=".length) : args[at + 1];
    args.splice(at, arg.includes("=") ? 1 : 2);
    if (!repo) {
      reportError(io, json, "flyby", new UsageError("--repo needs a folder"));
      return ExitCode.BadInput;
    }
  }
  const cwd = repo ? resolve(io.cwd, repo) : (findRepoRoot(io.cwd) ?? io.cwd);
  const first = args[0];
  if (first === "--version" || first === "-V" || first === "version") {
    io.stdout(versionLine(cwd));
    return ExitCode.Ok;
  }
  if (first === undefined || first === "--json" || first === "--no-color") {
    reportError(io, json, "flyby", new UsageError("missing command", mainHelp(commands)));
    return ExitCode.BadInput;
  }
  if (first === "--help" || first === "-h" || (first === "help" && args.length === 1)) {
    io.stdout(mainHelp(commands));
    return ExitCode.Ok;
  }
  const wantsHelp = first === "help";
  const words = wantsHelp ? args.slice(1) : args;
  const found = findCommand(words);
  if (!found) {
    const group = groupOf(words[0]);
    if (group.length > 0 && (words.length === 1 || words[1]?.startsWith("-"))) {
      if (wantsHelp || words.includes("--help") || words.includes("-h")) {
        io.stdout(mainHelp(group));
        return ExitCode.Ok;
      }
      const names = new Intl.ListFormat("en", { type: "disjunction" }).format(group.map((c) => c.name));
      reportError(io, json, "flyby", new UsageError(`missing subcommand: ${names}`, mainHelp(group)));
      return ExitCode.BadInput;
    }
    const word = group.length > 0 ? `${words[0]} ${words[1]}` : String(words[0]);
    const error =
      group.length > 0
        ? new UsageError(
            `unknown command "${word}"${didYouMean(
              word,
              group.map((c) => c.name),
            )}`,
            mainHelp(group),
          )
        : unknownCommand(word);
    reportError(io, json, "flyby", error);
    return ExitCode.BadInput;
  }
  const { command, rest } = found;
  if (wantsHelp) {
    io.stdout(commandHelp(command));
    return ExitCode.Ok;
  }
  try {
    const parsed = parseCommandArgs(command, rest);
    if (parsed.values.help) {
      io.stdout(commandHelp(command));
      return ExitCode.Ok;
    }
    const color = colorOn(parsed.values, io);
    const out: Output = { color, json, stdoutIsTTY: io.stdoutIsTTY, stdout: io.stdout, stderr: io.stderr };
    const implementation = await command.load();
    const outcome = await implementation.run({
      options: parsed.values,
      positionals: parsed.positionals,
      out,
      cwd,
      workDir: io.cwd,
      env: io.env,
    });
    return exitCodeOf(outcome);
  } catch (e) {
    if (e instanceof FlybyError) {
      reportError(io, json, `flyby ${command.name}`, e);
      return exitCodeOfError(e);
    }
    // Not an expected failure: a bug. Keep the stack so it can be reported.
    const message = `internal error: ${(e as Error)?.stack ?? String(e)}`;
    if (json) io.stderr(`${JSON.stringify({ error: { code: ExitCode.EnvironmentFailed, message } })}\n`);
    else io.stderr(`flyby ${command.name}: ${message}\n`);
    return ExitCode.EnvironmentFailed;
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    stdoutIsTTY: process.stdout.isTTY === true,
    cwd: invocationDir(process.env, process.cwd()),
    env: process.env,
  });
  process.exitCode = code;
}
