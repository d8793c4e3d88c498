import { describe, expect, test } from "bun:test";
import { InputError } from "../errors.ts";
import { ExitCode } from "../exit-code.ts";
import { clusterRef, type Environment, loadEnvironments } from "./environments.ts";

/** An environments.yaml from `name: extra lines` pairs, each environment owning its own namespace. */
function file(envs: Record<string, string[]>): string {
  const lines = ["environments:"];
  for (const [name, extra] of Object.entries(envs)) {
    lines.push(
      `  ${name}:`,
      ...extra.map((l) => `    ${l}`),
      ...(extra.some((l) => l.startsWith("clusters:"))
        ? []
        : ["clusters: [{ name: main, context: kind-main }]"].map((l) => `    ${l}`)),
      `    namespaces: [${name}]`,
      `    appNamespace: ${name}`,
      "    values: [values/common.yaml]",
    );
  }
  return `${lines.join("\n")}\n`;
}

function load(text: string) {
  return loadEnvironments({ files: new Map([["environments.yaml", text]]), displayRoot: "manifests" });
}

/** The refusal of a file whose promotion chain is read (the chain is checked where it is used). */
function refusal(text: string): InputError {
  try {
    load(text).promotionOrder;
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).exitCode).toBe(ExitCode.BadInput);
    return e as InputError;
  }
  throw new Error("the file was accepted");
}

const names = (envs: readonly Environment[]) => envs.map((e) => e.name);

describe("environments.yaml: the promotion chain", () => {
  test("GIVEN dev → staging → production THEN promotion order follows the chain, not the alphabet", () => {
    const envs = load(
      file({
        production: ["promotesFrom: staging", "production: true"],
        dev: [],
        staging: ["promotesFrom: dev"],
      }),
    );
    expect(names(envs.promotionOrder)).toEqual(["dev", "staging", "production"]);
    expect(names(envs.all)).toEqual(["dev", "production", "staging"]);
    expect(envs.get("production").production).toBe(true);
    expect(envs.get("staging").production).toBe(false);
    expect(envs.get("dev").promotesFrom).toBeUndefined();
  });

  test("two environments may promote from the same one (two production regions)", () => {
    const envs = load(
      file({
        "prod-us": ["promotesFrom: staging", "production: true"],
        staging: [],
        "prod-eu": ["promotesFrom: staging", "production: true"],
      }),
    );
    expect(names(envs.promotionOrder)).toEqual(["staging", "prod-eu", "prod-us"]);
  });

  test("an unknown source is named at its file:line, with a suggestion", () => {
    const e = refusal(file({ staging: [], production: ["promotesFrom: stagign"] }));
    expect(e.message).toBe(
      'manifests/environments.yaml:8:5: "production" promotes from unknown environment "stagign" (did you mean "staging"?); manifests/environments.yaml defines: production, staging (at environments.production.promotesFrom)',
    );
  });

  test("a cycle is refused at the line of an environment on it", () => {
    const e = refusal(
      file({ dev: [], staging: ["promotesFrom: production"], production: ["promotesFrom: staging"] }),
    );
    expect(e.message).toBe(
      "manifests/environments.yaml:14:5: the promotion chain has a cycle: staging → production → staging; one environment must promote from none",
    );
  });

  test("an environment promoting from itself is refused", () => {
    const e = refusal(file({ staging: ["promotesFrom: staging"] }));
    expect(e.message).toBe('manifests/environments.yaml:3:5: "staging" promotes from itself');
  });

  test("two starts of the chain are refused at the second one", () => {
    const e = refusal(file({ dev: [], staging: [], production: ["promotesFrom: staging"] }));
    expect(e.message).toBe(
      "manifests/environments.yaml:7:3: the promotion chain has 2 starts (dev, staging); every environment but the first names the one it promotes from (promotesFrom)",
    );
  });
});

describe("environments.yaml: a tree from before the promotion chain", () => {
  const chainless = file({ staging: [], production: ["production: true"] });

  test("GIVEN two starts THEN the environments still load and render-side reads work", () => {
    const envs = load(chainless);
    expect(names(envs.all)).toEqual(["production", "staging"]);
    expect(envs.get("production").production).toBe(true);
  });

  test("GIVEN two starts THEN reading the chain or an environment's source is refused at file:line", () => {
    const envs = load(chainless);
    const message =
      "manifests/environments.yaml:2:3: the promotion chain has 2 starts (production, staging); every environment but the first names the one it promotes from (promotesFrom)";
    expect(() => envs.promotionOrder).toThrow(message);
    expect(() => envs.promotionSource("production")).toThrow(message);
  });
});

describe("environments.yaml: clusters", () => {
  test("a GKE cluster and a kube context, as `environments --json` names them", () => {
    const envs = load(
      file({
        production: [
          "clusters:",
          "  - { name: us, project: overflying, location: us-central1 }",
          "  - { name: eu, context: gke_eu }",
        ],
      }),
    );
    expect(envs.get("production").clusters.map(clusterRef)).toEqual([
      { name: "us", gke: "projects/overflying/locations/us-central1/clusters/us" },
      { name: "eu", context: "gke_eu" },
    ]);
  });

  test.each([
    ["{ name: a }", "a cluster needs project and location (GKE) or context (a kubeconfig context)"],
    ["{ name: a, project: overflying }", "a GKE cluster needs both project and location"],
    ["{ name: a, project: overflying, location: l, context: c }", "either a GKE cluster"],
  ])("%s is refused with the field path", (cluster, says) => {
    const e = refusal(file({ staging: ["clusters:", `  - ${cluster}`] }));
    expect(e.message).toContain(says);
    expect(e.message).toMatch(
      /^manifests\/environments\.yaml:4:\d+: .*\(at environments\.staging\.clusters\[0\]\.\w+\)$/,
    );
  });

  test("two clusters of one environment with one name are refused", () => {
    const e = refusal(
      file({ staging: ["clusters:", "  - { name: a, context: one }", "  - { name: a, context: two }"] }),
    );
    expect(e.message).toContain('two clusters are named "a"');
    expect(e.message).toContain("(at environments.staging.clusters[1].name)");
  });
});
