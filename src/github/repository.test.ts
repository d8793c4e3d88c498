import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { git } from "../testing/git.ts";
import { originUrl, repoFromRemoteUrl, resolveRepository } from "./repository.ts";

describe("the repository from a remote URL", () => {
  test.each([
    ["https://github.com/overflying/platform.git", "overflying", "platform"],
    ["https://github.com/overflying/platform", "overflying", "platform"],
    ["https://x-access-token:abc@github.com/overflying/platform.git/", "overflying", "platform"],
    ["git@github.com:overflying/platform.git", "overflying", "platform"],
    ["git@github.com:overflying/platform", "overflying", "platform"],
    ["ssh://git@github.com/overflying/platform.git", "overflying", "platform"],
    ["ssh://git@ghe.example.com:2222/team/infra.git", "team", "infra"],
  ])("%s names %s/%s", (url, owner, repo) => {
    expect(repoFromRemoteUrl(url)).toEqual({ owner, repo });
  });

  test.each(["/srv/git/platform.git", "https://github.com/overflying", "file:///tmp/a/b/c", "not a url"])(
    "%s names no repository",
    (url) => {
      expect(repoFromRemoteUrl(url)).toBeUndefined();
    },
  );
});

describe("which repository a command reads", () => {
  const remote = () => "git@github.com:overflying/platform.git";

  test("GITHUB_REPOSITORY wins over the remote, as in a workflow job", () => {
    expect(resolveRepository({ GITHUB_REPOSITORY: "acme/site" }, remote)).toEqual({
      owner: "acme",
      repo: "site",
    });
  });

  test("in a clone without GITHUB_REPOSITORY, the origin remote names it", () => {
    expect(resolveRepository({}, remote)).toEqual({ owner: "overflying", repo: "platform" });
  });

  test("a malformed GITHUB_REPOSITORY, a local remote and no remote are usage errors that say what to set", () => {
    const bad = (env: Record<string, string>, url: string | undefined) => {
      try {
        resolveRepository(env, () => url);
      } catch (e) {
        return e as Error & { exitCode: number };
      }
      throw new Error("expected a usage error");
    };
    expect(bad({ GITHUB_REPOSITORY: "acme" }, undefined).message).toBe(
      'GITHUB_REPOSITORY must be owner/repo (it is "acme")',
    );
    const local = bad({}, "/srv/git/platform.git");
    expect(local.message).toContain('the origin remote "/srv/git/platform.git" does not name an owner/repo');
    expect(local.exitCode).toBe(2);
    expect(bad({}, undefined).message).toContain("set GITHUB_REPOSITORY=owner/repo");
  });

  test("the origin remote is read from the clone with git", () => {
    const dir = mkdtempSync(join(tmpdir(), "flyby-remote-"));
    try {
      git(dir, "init", "-q");
      expect(originUrl(dir)).toBeUndefined();
      git(dir, "remote", "add", "origin", "https://github.com/overflying/platform.git");
      expect(originUrl(dir)).toBe("https://github.com/overflying/platform.git");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
