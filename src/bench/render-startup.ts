import { join } from "node:path";

const main = join(import.meta.dir, "..", "cli", "main.ts");

/** The command lines whose start-up is timed, next to a bare Bun process as the floor. */
const commandLines = {
  "bun -e 0": ["-e", "0"],
  "flyby --help": [main, "--help"],
  "flyby --version": [main, "--version"],
  "flyby render --help": [main, "render", "--help"],
  "flyby render --env staging": [main, "render", "--env", "staging"],
} as const;

export type StartupLine = keyof typeof commandLines;

function wallMs(args: readonly string[], cwd: string): number {
  const start = performance.now();
  const p = Bun.spawnSync([process.execPath, ...args], { cwd, stdout: "ignore", stderr: "pipe" });
  const ms = performance.now() - start;
  if (p.exitCode !== 0) throw new Error(`${args.join(" ")} failed: ${p.stderr.toString()}`);
  return ms;
}

/**
 * Median wall time of each command line over `runs` fresh processes, interleaved so that a
 * busy machine slows them alike. `cwd` is the repository whose stack render reads.
 */
export function measureStartup(cwd: string, runs: number): Record<StartupLine, number> {
  const samples = Object.fromEntries(Object.keys(commandLines).map((k) => [k, [] as number[]])) as Record<
    StartupLine,
    number[]
  >;
  for (let i = 0; i < runs; i++)
    for (const [name, args] of Object.entries(commandLines))
      samples[name as StartupLine].push(wallMs(args, cwd));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  return Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])) as Record<
    StartupLine,
    number
  >;
}

/** One line per command line: its median, and the ratio to the bare Bun process of the same run. */
export function formatStartup(times: Record<StartupLine, number>, runs: number): string[] {
  const floor = times["bun -e 0"];
  const width = Math.max(...Object.keys(times).map((k) => k.length));
  return [
    `  start-up, median wall time of ${runs} fresh processes (target ≤ 100 ms for --help, --version, <command> --help):`,
    ...Object.entries(times).map(
      ([k, ms]) =>
        `    ${k.padEnd(width)}  ${ms.toFixed(0).padStart(5)} ms  ${(ms / floor).toFixed(1)}× bun -e 0`,
    ),
  ];
}
