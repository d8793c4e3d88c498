import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../cli/main.ts";

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process, as `bun run flyby …` would, and captures what it prints. */
export async function runFlyby(
  argv: readonly string[],
  cwd: string,
  env: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    stdoutIsTTY: false,
    cwd,
    env,
  });
  return { code, stdout, stderr };
}

export const repoRoot = join(import.meta.dir, "..", "..");

/** A scratch copy of the repository's manifests folder, for tests that change it. */
export function scratchRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "flyby-test-"));
  cpSync(join(repoRoot, "manifests"), join(dir, "manifests"), { recursive: true });
  return dir;
}
