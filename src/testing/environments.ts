import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Turns a scratch repository's two environments into the chain dev → staging → production:
 * dev owns the `dev` namespace with staging's values, and staging now promotes from dev.
 */
export function addDevEnvironment(repo: string): void {
  const values = join(repo, "manifests/values");
  writeFileSync(
    join(values, "dev.yaml"),
    readFileSync(join(values, "staging.yaml"), "utf8").replaceAll("staging", "dev"),
  );
  const file = join(repo, "manifests/environments.yaml");
  const text = readFileSync(file, "utf8");
  const dev = [
    "  dev:",
    "    description: Deployed on every merge to main.",
    "    clusters:",
    "      - { project: overflying, location: us-central1, name: overflying }",
    "    namespaces: [dev]",
    "    appNamespace: dev",
    "    values: [values/common.yaml, values/dev.yaml]",
    "",
  ].join("\n");
  writeFileSync(
    file,
    text
      .replace("environments:\n", `environments:\n${dev}`)
      .replace("  staging:\n", "  staging:\n    promotesFrom: dev\n"),
  );
}

/** Gives an environment the kubeconfig contexts as its clusters, one cluster per context. */
export function useContexts(repo: string, environment: string, contexts: readonly string[]): void {
  const file = join(repo, "manifests/environments.yaml");
  const lines = readFileSync(file, "utf8").split("\n");
  const start = lines.indexOf(`  ${environment}:`);
  const from = lines.indexOf("    clusters:", start);
  let to = from + 1;
  while (lines[to]?.startsWith("      ")) to++;
  lines.splice(from + 1, to - from - 1, ...contexts.map((c) => `      - { name: ${c}, context: ${c} }`));
  writeFileSync(file, lines.join("\n"));
}

/** A kubeconfig (JSON) with one context per named API server, each with its own token. */
export function contextsKubeconfig(
  servers: Record<string, { readonly url: string; readonly token: string }>,
): string {
  const names = Object.keys(servers);
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: names.map((name) => ({ name, cluster: { server: servers[name]?.url } })),
    users: names.map((name) => ({ name, user: { token: servers[name]?.token } })),
    contexts: names.map((name) => ({ name, context: { cluster: name, user: name } })),
    "current-context": names[0],
  });
}
