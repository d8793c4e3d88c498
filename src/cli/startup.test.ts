import { describe, expect, test } from "bun:test";
import { basename, join } from "node:path";
import { repoRoot } from "../testing/cli.ts";
import { commands } from "./commands/index.ts";
import { staticModuleGraph } from "./module-graph.ts";

const main = join(repoRoot, "src/cli/main.ts");
const commandsDir = join(repoRoot, "src/cli/commands");

describe("start-up loads only what the command needs", () => {
  test("--help, --version and <command> --help load no library but the edit distance of did-you-mean", () => {
    const graph = staticModuleGraph([main]);
    expect([...graph.packages]).toEqual(["fastest-levenshtein"]);
    // No command implementation is reachable without its dynamic import: only index and the .meta files.
    const loadedCommandFiles = [...graph.files]
      .filter((f) => f.startsWith(`${commandsDir}/`))
      .map((f) => basename(f))
      .filter((f) => f !== "index.ts" && !f.endsWith(".meta.ts"));
    expect(loadedCommandFiles).toEqual([]);
  });

  test("every command loads its implementation on demand, and it can run", async () => {
    for (const c of commands) expect(typeof (await c.load()).run).toBe("function");
  });

  test("render loads the template and YAML libraries, none of the cluster or GitHub clients", () => {
    const graph = staticModuleGraph([main, join(commandsDir, "render.ts")]);
    expect([...graph.packages].sort()).toEqual(["fastest-levenshtein", "handlebars", "yaml", "zod"]);
  });

  test("the graph sees the client libraries apply loads (the check can fail)", () => {
    const graph = staticModuleGraph([join(commandsDir, "apply.ts")]);
    for (const p of ["@kubernetes/client-node", "@google-cloud/container", "google-auth-library"])
      expect(graph.packages).toContain(p);
  });
});
