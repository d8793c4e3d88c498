import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { repoRoot } from "../../testing/cli.ts";
import { renderToText } from "../render/output.ts";
import { renderEnvironment } from "../render/render.ts";
import { locateLine } from "./locate-line.ts";
import { parseUserYaml } from "./user-yaml.ts";

function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object") return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

describe("locateLine", () => {
  test("agrees with the yaml package on every path of every rendered object", () => {
    const tree = loadManifestTree(join(repoRoot, "manifests"));
    let checked = 0;
    for (const env of ["staging", "production"]) {
      for (const doc of renderToText(renderEnvironment(tree, env).objects).split("---\n")) {
        const lines = doc.split("\n");
        const positioned = parseUserYaml("doc", doc);
        for (const p of paths(Bun.YAML.parse(doc))) {
          expect({ p, line: locateLine(lines, p) + 1 }).toEqual({ p, line: positioned.locate(p).line ?? 1 });
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(900);
  });

  test("template-style YAML: comments, non-indented sequences, flow values, missing paths", () => {
    const lines = [
      "# a comment",
      "spec:",
      "  ports:",
      "  - name: a",
      "    port: 1",
      "  - name: b",
      "    port: 2",
      "  resources: {limits: {cpu: 1}}",
    ];
    expect(locateLine(lines, ["spec", "ports", "1", "port"])).toBe(6);
    expect(locateLine(lines, ["spec", "resources", "limits", "cpu"])).toBe(7);
    expect(locateLine(lines, ["spec", "nope", "x"])).toBe(1);
    expect(locateLine(lines, [])).toBe(1);
  });
});
