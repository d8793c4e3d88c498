import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LineCounter, parseDocument, visit } from "yaml";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { repoRoot } from "../testing/cli.ts";

/**
 * The workflows take every environment from `flyby environments --json`: a name written in a
 * workflow would be one more place to edit when the chain in manifests/environments.yaml
 * changes. YAML comments may name them; keys, values, step names and scripts may not.
 */

const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** `file:line: names the environment "E"` for every YAML key or value that contains an environment's name as a word. */
export function namedEnvironments(file: string, text: string, names: readonly string[]): string[] {
  if (names.length === 0) return [];
  const word = new RegExp(`(?<![\\w.])(${names.map(literal).join("|")})(?![\\w.])`, "g");
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const problems: string[] = [];
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== "string" || !node.range) return;
      const [start, end] = node.range;
      // The source text of the scalar (quotes and block indentation included), for the line.
      for (const m of text.slice(start, end).matchAll(word))
        problems.push(`${file}:${lines.linePos(start + m.index).line}: names the environment "${m[1]}"`);
    },
  });
  return problems;
}

const workflowsDir = join(repoRoot, ".github", "workflows");
const environmentNames = loadEnvironments(loadManifestTree(join(repoRoot, "manifests"))).all.map(
  (e) => e.name,
);

describe("the workflows name no environment", () => {
  test("manifests/environments.yaml declares environments to look for", () => {
    expect(environmentNames.length).toBeGreaterThan(0);
  });

  test("no workflow writes the name of an environment of manifests/environments.yaml outside comments", () => {
    const problems = readdirSync(workflowsDir)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .flatMap((f) =>
        namedEnvironments(
          `.github/workflows/${f}`,
          readFileSync(join(workflowsDir, f), "utf8"),
          environmentNames,
        ),
      );
    expect(problems).toEqual([]);
  });
});

describe("the check itself", () => {
  const workflow = `name: staging
# staging deploys on every push; comments may name it
on: push
concurrency:
  group: deploy-staging # a trailing comment about production is fine too
jobs:
  a:
    environment: "production"
    steps:
      - run: |
          echo start
          npx bun run flyby bundle --env staging --out b.json
      - run: echo \${{ needs.environments.outputs.first }} stagingly pre-production.yml
`;

  test("keys, values, quoted strings and block scripts are found with their line; comments and longer words are not", () => {
    expect(namedEnvironments("w.yml", workflow, ["staging", "production"])).toEqual([
      'w.yml:1: names the environment "staging"',
      'w.yml:5: names the environment "staging"',
      'w.yml:8: names the environment "production"',
      'w.yml:12: names the environment "staging"',
    ]);
  });

  test("a name that is a key is found too", () => {
    expect(namedEnvironments("w.yml", "jobs:\n  production:\n    steps: []\n", ["production"])).toEqual([
      'w.yml:2: names the environment "production"',
    ]);
  });
});
