import type { OptionSpec } from "../core/options.ts";
import type { Command } from "./command.ts";

const globalOptions = [
  ["--json", "machine-readable output"],
  ["--no-color", "no ANSI colour (also off when stdout is not a TTY or NO_COLOR is set)"],
  ["-h, --help", "this help"],
] as const;

const exitCodes =
  "Exit codes: 0 ok/no changes · 1 not clean (changes, findings, failed checks) · 2 bad input or usage · 3 environment failed";

/** An option's description with its default, as the parser applies it or as the command works it out. */
export function describeOption(o: OptionSpec): string {
  if (o.default !== undefined) {
    const value = typeof o.default === "string" ? o.default : o.default.join(", ");
    return `${o.description} (default ${value})`;
  }
  return o.defaultFrom ? `${o.description} (default: ${o.defaultFrom})` : o.description;
}

export function commandHelp(cmd: Command): string {
  const lines = [`Usage: flyby ${cmd.synopsis}`, "", cmd.summary];
  if (cmd.details) lines.push("", cmd.details.trim());
  const opts = Object.entries(cmd.options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : "";
    const left = `${short}--${name}${o.type === "string" ? ` ${o.valueName ?? "VALUE"}` : ""}`;
    return [left, describeOption(o)] as const;
  });
  const all = [...opts, ...globalOptions];
  const width = Math.max(...all.map(([l]) => l.length));
  lines.push("", "Options:");
  for (const [l, d] of all) lines.push(`  ${l.padEnd(width)}  ${d}`);
  lines.push("", exitCodes, "");
  return lines.join("\n");
}

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    "flyby: ship the Overflying observability stack to GKE from GitHub Actions.",
    "",
    "Usage: bun run flyby <command> [options]",
    "",
    "Commands:",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Run `flyby <command> --help` for a command's options.",
    exitCodes,
    "",
  ].join("\n");
}
