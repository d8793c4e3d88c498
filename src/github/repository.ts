import { gitLine } from "../adapters/git.ts";
import { UsageError } from "../core/errors.ts";
import type { RepoRef } from "./deployment.ts";

/**
 * owner/repo from a git remote URL in the forms git accepts: `https://host/o/r(.git)`,
 * `ssh://git@host[:port]/o/r(.git)` and scp-like `git@host:o/r(.git)`.
 */
export function repoFromRemoteUrl(url: string): RepoRef | undefined {
  const trimmed = url.trim();
  let path: string | undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    try {
      path = new URL(trimmed).pathname;
    } catch {
      return undefined;
    }
  } else {
    path = /^[^/@:]+@[^/:]+:(.+)$/.exec(trimmed)?.[1];
  }
  const m = /^\/?([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(path ?? "");
  return m?.[1] && m[2] ? { owner: m[1], repo: m[2] } : undefined;
}

function parseFullName(full: string): RepoRef | undefined {
  const [owner, repo, ...rest] = full.split("/");
  return owner && repo && rest.length === 0 ? { owner, repo } : undefined;
}

/** The URL of the `origin` remote of the clone at `cwd`, or undefined outside a clone or without one. */
export function originUrl(cwd: string): string | undefined {
  return gitLine(cwd, ["remote", "get-url", "origin"]);
}

/**
 * The repository whose GitHub records are read: GITHUB_REPOSITORY as in a workflow job,
 * else the clone's `origin` remote, so commands work from a laptop clone too.
 */
export function resolveRepository(
  env: Readonly<Record<string, string | undefined>>,
  remoteUrl: () => string | undefined,
): RepoRef {
  const full = env.GITHUB_REPOSITORY;
  if (full !== undefined && full !== "") {
    const repo = parseFullName(full);
    if (!repo) throw new UsageError(`GITHUB_REPOSITORY must be owner/repo (it is "${full}")`);
    return repo;
  }
  const url = remoteUrl();
  if (url === undefined) {
    throw new UsageError(
      "no repository: set GITHUB_REPOSITORY=owner/repo, or run inside a clone whose origin remote is on GitHub",
    );
  }
  const repo = repoFromRemoteUrl(url);
  if (!repo) {
    throw new UsageError(
      `the origin remote "${url}" does not name an owner/repo: set GITHUB_REPOSITORY=owner/repo`,
    );
  }
  return repo;
}
