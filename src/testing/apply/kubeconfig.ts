import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { type CliRun, runFlyby } from "../cli.ts";

/** Environment secrets that pass apply's checks, for tests that apply an environment to a cluster. */
export const deploySecrets = {
  GRAFANA_ADMIN_USER: "ops",
  GRAFANA_ADMIN_PASSWORD: "a-long-unique-grafana-password",
  FLYBY_RECEIVER_TOKEN: "a-long-unique-receiver-token",
};

/** Writes `DIR/NAME` (default kubeconfig.yaml) for one plain-HTTP API server and bearer token; returns its path. */
export function writeKubeconfig(
  dir: string,
  server: string,
  token: string,
  name = "kubeconfig.yaml",
): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: admin, user: {token: ${token}}}]
contexts: [{name: fake, context: {cluster: fake, user: admin}}]
current-context: fake
`,
  );
  return path;
}

/** `flyby apply --env production --target cluster --kubeconfig … --json …` in `repo`, with the secrets above. */
export function applyProduction(repo: string, kubeconfig: string, ...extra: string[]): Promise<CliRun> {
  return runFlyby(
    ["apply", "--env", "production", "--target", "cluster", "--kubeconfig", kubeconfig, "--json", ...extra],
    repo,
    deploySecrets,
  );
}
