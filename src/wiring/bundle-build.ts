import { join } from "node:path";
import { resolverFromEnv, sourceCommit } from "../adapters/bundle-sources.ts";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import type { buildReleaseBundle } from "../app/bundle.ts";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What `flyby bundle` builds a bundle from: the commit (`given`, else GITHUB_SHA, else the
 * checkout's HEAD), the manifests under `root`, and the registry as `env` configures it.
 */
export function bundleSources(
  root: string,
  env: Env,
  given: string | undefined,
): { readonly commit: string; readonly ports: Parameters<typeof buildReleaseBundle>[1] } {
  const commit = sourceCommit(root, env, given);
  return {
    commit,
    ports: { manifests: loadManifestTree(join(root, "manifests")), resolver: resolverFromEnv(env) },
  };
}
