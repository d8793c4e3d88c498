import { gitLine as git } from "./git.ts";

/**
 * The default base a plan compares with: the merge base with main (or origin/main) when
 * HEAD has left it, else HEAD~1. Undefined when there is no such commit (a first commit,
 * or not a git repository).
 */
export function defaultPlanBase(cwd: string): string | undefined {
  const head = git(cwd, ["rev-parse", "HEAD"]);
  if (!head) return undefined;
  for (const main of ["main", "origin/main"]) {
    const base = git(cwd, ["merge-base", "HEAD", main]);
    if (base && base !== head) return base;
  }
  return git(cwd, ["rev-parse", "--verify", "--quiet", "HEAD~1"]);
}
