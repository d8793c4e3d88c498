import { spawnSync } from "node:child_process";

/** Runs git in a scratch repository as a throwaway author; throws with git's message when it fails. */
export function git(repo: string, ...args: string[]): void {
  const res = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: repo,
  });
  if (res.status !== 0) throw new Error(String(res.stderr));
}
