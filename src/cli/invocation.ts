/**
 * The folder the person ran flyby in. `bun run flyby` and `npm run flyby` start the script at
 * the package root; npm passes the folder it was run in as INIT_CWD, Bun as
 * npm_config_local_prefix. Run directly (`bun src/cli/main.ts`), the process's own folder is it.
 */
export function invocationDir(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  if (!env.npm_lifecycle_event) return cwd;
  // The runner that started this script sets the user agent; an INIT_CWD may be left over from
  // an outer `npm run` (npm test running `bun run flyby`), so Bun's own variable comes first.
  if (env.npm_config_user_agent?.startsWith("bun/")) return env.npm_config_local_prefix ?? cwd;
  return env.INIT_CWD ?? cwd;
}
