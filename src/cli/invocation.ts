import { resolve } from "node:path";

/**
 * The folder the person ran flyby in. `bun run flyby` and `npm run flyby` start the script at
 * the package root. Bun sets npm_config_local_prefix to the folder it was run in, even inside
 * an outer `npm run`; npm sets it to the package root and passes the folder as INIT_CWD. Run
 * directly (`bun src/cli/main.ts`), the process's own folder is it.
 */
export function invocationDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (!env.npm_lifecycle_event) return cwd;
  const prefix = env.npm_config_local_prefix;
  if (prefix && resolve(prefix) !== resolve(cwd)) return prefix;
  return env.INIT_CWD ?? cwd;
}
