import { sourceCommit } from "../adapters/bundle-sources.ts";
import { repositoryManifests } from "../adapters/manifest-files.ts";
import { OciDigestResolver } from "../adapters/oci-registry.ts";
import type { buildReleaseBundle } from "../app/bundle.ts";
import type { DigestResolver } from "../bundle/pin.ts";
import { systemClock } from "./clock.ts";

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
    ports: { manifests: repositoryManifests(root), resolver: resolverFromEnv(env) },
  };
}

/**
 * The registry resolver as configured by the environment: FLYBY_REGISTRY_PASSWORD (a Google
 * access token for Artifact Registry, user `oauth2accesstoken` unless FLYBY_REGISTRY_USERNAME
 * says otherwise), sent only to FLYBY_REGISTRY_HOSTS (comma-separated; default: Artifact
 * Registry and Container Registry hosts), and FLYBY_REGISTRY_PLAIN_HTTP (hosts without TLS).
 * It talks over the real network and waits with the real timer.
 */
function resolverFromEnv(env: Readonly<Record<string, string | undefined>>): DigestResolver {
  const password = env.FLYBY_REGISTRY_PASSWORD;
  const username = env.FLYBY_REGISTRY_USERNAME ?? "oauth2accesstoken";
  const hosts = (env.FLYBY_REGISTRY_HOSTS ?? "").split(",").filter(Boolean);
  const mine = (host: string) =>
    hosts.length > 0
      ? hosts.includes(host)
      : host.endsWith(".pkg.dev") || host === "gcr.io" || host.endsWith(".gcr.io");
  return new OciDigestResolver({
    fetch,
    sleep: systemClock.sleep,
    credentials: (host) => (password && mine(host) ? { username, password } : undefined),
    plainHttp: (env.FLYBY_REGISTRY_PLAIN_HTTP ?? "").split(",").filter(Boolean),
  });
}
