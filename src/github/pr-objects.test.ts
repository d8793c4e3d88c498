import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { renderEnvironment } from "../core/render/render.ts";
import { repoRoot } from "../testing/cli.ts";
import { encodePrObjects, readPrObjects } from "./pr-objects.ts";

const dir = mkdtempSync(join(tmpdir(), "flyby-pr-objects-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tree = loadManifestTree(join(repoRoot, "manifests"));
const [env] = loadEnvironments(tree).all;
if (!env) throw new Error("no environment in manifests/environments.yaml");
const rendered = renderEnvironment(tree, env.name).objects;

function artifact(text: string): string {
  const file = join(dir, `a-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, text);
  return file;
}

function refusal(text: string): { message: string; exitCode: number } {
  try {
    readPrObjects(artifact(text), env as NonNullable<typeof env>);
  } catch (e) {
    return e as { message: string; exitCode: number };
  }
  throw new Error("the artifact was accepted");
}

describe("the objects artifact a PR job uploads", () => {
  test("what the PR job wrote reads back as the same objects", () => {
    const back = readPrObjects(artifact(encodePrObjects(env.name, rendered)), env);
    expect(back.map((r) => r.object)).toEqual(rendered.map((r) => r.object));
  });

  test("an object outside the environment's namespaces is refused, naming it (exit 2)", () => {
    const evil = {
      object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x", namespace: "kube-system" } },
      source: { file: "manifests/templates/x.yaml.hbs", line: 1 },
    };
    const e = refusal(JSON.stringify({ environment: env.name, objects: [evil] }));
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain(
      `ConfigMap kube-system/x is outside the environment ${env.name}'s namespaces`,
    );
    expect(e.message).toContain("objects[0].object.metadata");
  });

  test("another environment's artifact, a malformed object and non-JSON are refused", () => {
    expect(refusal(JSON.stringify({ environment: "elsewhere", objects: [] })).message).toContain(
      `the artifact is for "elsewhere", not "${env.name}"`,
    );
    const bad = refusal(
      JSON.stringify({
        environment: env.name,
        objects: [
          {
            object: { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "Not A Name" } },
            source: { file: "manifests/x", line: 1 },
          },
        ],
      }),
    );
    expect(bad.message).toContain("objects.0.object.metadata.name");
    expect(refusal("{").message).toContain("not JSON");
    const climbing = refusal(
      JSON.stringify({
        environment: env.name,
        objects: [
          { ...{ object: rendered[0]?.object }, source: { file: "manifests/../../etc/passwd", line: 1 } },
        ],
      }),
    );
    expect(climbing.message).toContain("must not climb out");
  });
});
