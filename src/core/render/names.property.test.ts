import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";
import { seededRandom } from "../../testing/fake-kube/faults.ts";
import { treeSnapshot } from "../../testing/tree.ts";

/**
 * Random hostile names and namespaces, from a seeded generator so a failure replays: every
 * render --out exits 0 or 2, never with an internal error, and writes nothing outside out/.
 */
const pieces = [
  ..."az09-.",
  "..",
  "../",
  "../../../../",
  "/",
  "\\",
  "A",
  "_",
  " ",
  "%",
  ":",
  "é",
  "\u0000",
  "x".repeat(70),
];
const kinds = ["ConfigMap", "Service", "ClusterRole", "RoleBinding", "CronJob", "Namespace"];

function randomName(next: () => number): string {
  const length = 1 + Math.floor(next() * 6);
  let name = "";
  for (let i = 0; i < length; i++) name += pieces[Math.floor(next() * pieces.length)];
  return name;
}

const scratch: string[] = [];
afterAll(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

describe("render --out with random names", () => {
  test("exits 0 or 2 and never writes outside the output folder", async () => {
    const next = seededRandom(13);
    const repo = scratchRepo();
    scratch.push(repo);
    const template = join(repo, "manifests/templates/services/random.yaml.hbs");
    for (let i = 0; i < 20; i++) {
      const kind = kinds[Math.floor(next() * kinds.length)] as string;
      const name = randomName(next);
      // Mostly the environment's own namespace: objects elsewhere are not rendered for it.
      const namespace = next() < 0.8 ? "{{env.namespace}}" : JSON.stringify(randomName(next));
      const scoped = kind === "Namespace" || kind === "ClusterRole";
      writeFileSync(
        template,
        `apiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${JSON.stringify(name)}\n${scoped ? "" : `  namespace: ${namespace}\n`}`,
      );
      rmSync(join(repo, "out"), { recursive: true, force: true });
      const before = treeSnapshot(repo);
      const run = await runFlyby(["render", "--env", "staging", "--out", "out"], repo);
      const where = `case ${i}: ${kind} ${JSON.stringify(name)} in ${namespace}`;
      expect({
        where,
        code: [0, 2].includes(run.code),
        internal: run.stderr.includes("internal error"),
      }).toEqual({
        where,
        code: true,
        internal: false,
      });
      const after = treeSnapshot(repo);
      const outside = Object.keys(after).filter((p) => p !== "out" && !p.startsWith("out/"));
      expect({ where, outside: Object.fromEntries(outside.map((p) => [p, after[p]])) }).toEqual({
        where,
        outside: before,
      });
      if (run.code === 2)
        expect({ where, out: readdirSync(repo).includes("out") }).toEqual({ where, out: false });
    }
  }, 60_000);
});
