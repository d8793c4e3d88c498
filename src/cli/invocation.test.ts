import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, scratchRepo } from "../testing/cli.ts";
import { invocationDir } from "./invocation.ts";

describe("the folder flyby was run in", () => {
  test("GIVEN a direct run THEN the process's folder", () => {
    expect(invocationDir({}, "/repo/src")).toBe("/repo/src");
  });

  test("GIVEN npm run THEN INIT_CWD", () => {
    const env = { npm_lifecycle_event: "flyby", INIT_CWD: "/repo/src", npm_config_local_prefix: "/repo" };
    expect(invocationDir(env, "/repo")).toBe("/repo/src");
  });

  test("GIVEN bun run THEN npm_config_local_prefix, which Bun sets to the folder it was run in", () => {
    const env = { npm_lifecycle_event: "flyby", npm_config_local_prefix: "/repo/src" };
    expect(invocationDir(env, "/repo")).toBe("/repo/src");
  });

  test("GIVEN bun run inside npm run THEN Bun's folder, not the outer INIT_CWD", () => {
    const env = {
      npm_lifecycle_event: "flyby",
      INIT_CWD: "/repo",
      // Bun keeps the outer npm's user agent and INIT_CWD but sets its own local prefix.
      npm_config_user_agent: "npm/11.19.1 node/v20.20.2 linux x64 workspaces/false",
      npm_config_local_prefix: "/repo/src",
    };
    expect(invocationDir(env, "/repo")).toBe("/repo/src");
  });

  test("GIVEN `bun run flyby render --out DIR` in a subfolder THEN DIR is made in that subfolder", () => {
    const repo = scratchRepo();
    try {
      const main = join(repoRoot, "src", "cli", "main.ts");
      writeFileSync(
        join(repo, "package.json"),
        JSON.stringify({ scripts: { flyby: `${process.execPath} ${main}` } }),
      );
      const sub = join(repo, "docs");
      mkdirSync(sub);
      const r = Bun.spawnSync(
        [process.execPath, "run", "--silent", "flyby", "render", "--env", "staging", "--out", "rendered"],
        { cwd: sub, env: { ...process.env, NO_COLOR: "1" } },
      );
      expect(r.stderr.toString()).toContain("wrote 7 objects for staging to rendered");
      expect(r.exitCode).toBe(0);
      expect(existsSync(join(sub, "rendered"))).toBe(true);
      expect(existsSync(join(repo, "rendered"))).toBe(false);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  }, 30_000);
});
