import { resolve } from "node:path";

/**
 * Resolves a path a person typed, the way a shell user expects: an absolute path stays as it
 * is, a relative one is relative to the folder the command runs in (`cwd`). Every option that
 * takes a path (`--out`, `dir:PATH`, `--kubeconfig`, `--bundle` …) goes through here.
 */
export function resolveUserPath(cwd: string, path: string): string {
  return resolve(cwd, path);
}
