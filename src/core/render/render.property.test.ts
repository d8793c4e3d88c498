import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";

/**
 * Random and mutated values files and templates go through render and validate. Whatever
 * the input, the answer is an exit code of the contract (0, 1 or 2), never an internal
 * error, and nothing is written outside the output folder.
 */
const repo = scratchRepo();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const manifests = join(repo, "manifests");
const originals = new Map<string, string>();
for (const rel of ["values/staging.yaml", "values/common.yaml", "templates/services/api.yaml.hbs"]) {
  originals.set(rel, readFileSync(join(manifests, rel), "utf8"));
}

/** Hash of every file in the scratch repository outside `out/`. */
function treeHash(): string {
  const h = createHash("sha256");
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const rel = relative(repo, full);
      if (rel === "out") continue;
      if (statSync(full).isDirectory()) visit(full);
      else h.update(rel).update("\0").update(readFileSync(full)).update("\0");
    }
  };
  visit(repo);
  return h.digest("hex");
}

const yamlSnippets = [
  "&a ",
  "*a",
  "<<: *a\n",
  "\t",
  "{",
  "}",
  "[",
  "- ",
  ": ",
  '"',
  "'",
  "#",
  "\n",
  "\r\n",
  "\ufeff",
  "!!binary ",
  "!!js/function ",
  "? ",
  "---\n",
  "%YAML 1.1\n",
  "\u0000",
  "constructor: 1\n",
  "__proto__: {polluted: true}\n",
  "replicas: 1e9\n",
  "x".repeat(300),
];

const templateSnippets = [
  "{{",
  "}}",
  "{{#each values.api.env}}",
  "{{/each}}",
  "{{#if values.api}}",
  "{{/if}}",
  "{{values.constructor}}",
  "{{this.__proto__}}",
  '{{lookup values "toString"}}',
  '{{lookup values.api "replicas"}}',
  "{{values.dropLabels.map}}",
  "{{> nope}}",
  "{{json (range 5)}}",
  "{{range 1000000000}}",
  "{{indent -1 values.partOf}}",
  "{{checksum values}}",
  "{{values.partOf.length}}",
  "{{@root.values.api.replicas}}",
  '{{file "../../etc/passwd"}}',
  "\n---\n",
  "\n  name: ../../escape\n",
  ": ",
  "\t",
];

function mutate(text: string, edits: readonly [number, string][]): string {
  let out = text;
  for (const [at, insert] of edits) {
    const i = at % (out.length + 1);
    out = out.slice(0, i) + insert + out.slice(i);
  }
  return out;
}

const edits = (snippets: readonly string[]) =>
  fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...snippets), fc.string({ maxLength: 8 }))), {
    minLength: 1,
    maxLength: 3,
  });

async function check(files: Record<string, string>): Promise<void> {
  for (const [rel, text] of originals) writeFileSync(join(manifests, rel), files[rel] ?? text);
  rmSync(join(repo, "out"), { recursive: true, force: true });
  const before = treeHash();
  for (const argv of [
    ["render", "--env", "staging", "--out", "out"],
    ["validate", "--env", "staging"],
  ]) {
    const run = await runFlyby(argv, repo);
    const internal = run.stderr.includes("internal error");
    expect({ argv, contract: [0, 1, 2].includes(run.code) && !internal, stderr: run.stderr }).toEqual({
      argv,
      contract: true,
      stderr: run.stderr,
    });
    if (run.code === 2) expect(run.stderr).toMatch(/manifests\/[^:\s]+(:\d+)?/);
  }
  expect(treeHash()).toBe(before);
}

describe("render and validate on random input", () => {
  test("mutated values files give 0, 1 or 2 and write only the output folder", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("values/staging.yaml", "values/common.yaml"),
        edits(yamlSnippets),
        (file, e) => check({ [file]: mutate(originals.get(file) as string, e) }),
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  test("random values files give 0, 1 or 2", async () => {
    const scalar = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
    );
    const values = fc.dictionary(
      fc.constantFrom("api", "worker", "partOf", "dropLabels", "constructor", "__proto__", "toString", "x"),
      fc.oneof(scalar, fc.dictionary(fc.string({ maxLength: 12 }), scalar, { maxKeys: 4 }), fc.array(scalar)),
      { maxKeys: 5 },
    );
    await fc.assert(
      fc.asyncProperty(values, (v) => check({ "values/staging.yaml": Bun.YAML.stringify(v, null, 2) })),
      { numRuns: 30 },
    );
  }, 120_000);

  test("mutated templates give 0, 1 or 2 and write only the output folder", async () => {
    const file = "templates/services/api.yaml.hbs";
    await fc.assert(
      fc.asyncProperty(edits(templateSnippets), (e) =>
        check({ [file]: mutate(originals.get(file) as string, e) }),
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
