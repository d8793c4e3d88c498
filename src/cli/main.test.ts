import { describe, expect, test } from "bun:test";
import { repoRoot, runFlyby } from "../testing/cli.ts";
import { commands } from "./commands/index.ts";

describe("the command-line contract", () => {
  test("flyby --help lists every command; no command at all is a usage error", async () => {
    const help = await runFlyby(["--help"], repoRoot);
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.stdout).toContain(c.name);
    expect((await runFlyby([], repoRoot)).code).toBe(2);
  });

  for (const c of commands) {
    test(`${c.name}: --help exits 0 with its synopsis; an unknown flag exits 2`, async () => {
      const words = c.name.split(" ");
      const help = await runFlyby([...words, "--help"], repoRoot);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: flyby ${c.synopsis}`);
      expect(help.stdout).toContain("Exit codes:");
      const bad = await runFlyby([...words, "--no-such-flag"], repoRoot);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--no-such-flag");
    });
  }
});
