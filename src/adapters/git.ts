import { spawnSync } from "node:child_process";
import { InputError } from "../core/errors.ts";

/**
 * Runs git in `cwd`: its output when it exits 0, else undefined (what a failure means is the
 * caller's to say). A missing git binary is bad input on this machine, said once here.
 */
export function gitOutput(cwd: string, args: readonly string[], input?: string): Buffer | undefined {
  const res = spawnSync("git", args, { cwd, input, maxBuffer: 1 << 30 });
  if (res.error) throw new InputError(`cannot run git: ${res.error.message}`);
  return res.status === 0 ? res.stdout : undefined;
}

/** The first line git prints (a commit id, a remote URL), or undefined when git fails. */
export function gitLine(cwd: string, args: readonly string[]): string | undefined {
  return gitOutput(cwd, args)?.toString().trim();
}
