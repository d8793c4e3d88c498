import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadDefinition } from "../adapters/alerts-files.ts";
import { repoRoot } from "../testing/cli.ts";
import { stackManifest, stackManifestPath } from "./stack-manifest.ts";

describe("the alerting objects in the stack", () => {
  test(`${stackManifestPath} is what alerts/ generates (run \`bun run flyby alerts build\` when this fails)`, async () => {
    const committed = readFileSync(join(repoRoot, stackManifestPath), "utf8");
    expect(committed).toBe(stackManifest(await loadDefinition(repoRoot)));
  });
});
