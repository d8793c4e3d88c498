import { readFileSync } from "node:fs";
import { type Bundle, decodeBundle, isCommit } from "../bundle/bundle.ts";
import { OciDigestResolver } from "../bundle/registry.ts";
import { EnvironmentError, InputError, UsageError } from "../core/errors.ts";
import { gitLine } from "./git.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The commit a bundle is built from: --commit, else GITHUB_SHA, else the checkout's HEAD. */
export function sourceCommit(cwd: string, env: Env, given: string | undefined): string {
  const commit = given ?? env.GITHUB_SHA ?? gitHead(cwd);
  if (!commit) throw new UsageError("no commit: pass --commit SHA (or run inside a git checkout)");
  if (!isCommit(commit)) throw new UsageError(`--commit "${commit}" is not a full 40-hex commit id`);
  return commit;
}

function gitHead(cwd: string): string | undefined {
  return gitLine(cwd, ["rev-parse", "HEAD"]);
}

/**
 * The registry resolver as configured by the environment: FLYBY_REGISTRY_PASSWORD (a Google
 * access token for Artifact Registry, user `oauth2accesstoken` unless FLYBY_REGISTRY_USERNAME
 * says otherwise), sent only to FLYBY_REGISTRY_HOSTS (comma-separated; default: Artifact
 * Registry and Container Registry hosts), and FLYBY_REGISTRY_PLAIN_HTTP (hosts without TLS).
 */
export function resolverFromEnv(env: Env): OciDigestResolver {
  const password = env.FLYBY_REGISTRY_PASSWORD;
  const username = env.FLYBY_REGISTRY_USERNAME ?? "oauth2accesstoken";
  const hosts = (env.FLYBY_REGISTRY_HOSTS ?? "").split(",").filter(Boolean);
  const mine = (host: string) =>
    hosts.length > 0
      ? hosts.includes(host)
      : host.endsWith(".pkg.dev") || host === "gcr.io" || host.endsWith(".gcr.io");
  return new OciDigestResolver({
    credentials: (host) => (password && mine(host) ? { username, password } : undefined),
    plainHttp: (env.FLYBY_REGISTRY_PLAIN_HTTP ?? "").split(",").filter(Boolean),
  });
}

export function readBundleFile(path: string, shown: string): Bundle {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new InputError("the bundle file does not exist", { file: shown });
    throw new EnvironmentError(`could not read ${shown}: ${(e as Error).message}`);
  }
  return decodeBundle(text, shown);
}
