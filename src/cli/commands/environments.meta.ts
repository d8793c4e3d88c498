import type { Command } from "../command.ts";

export const environmentsCommand: Command = {
  name: "environments",
  summary: "List the environments in promotion order, with their clusters",
  synopsis: "environments [--json]",
  details: `
Reads manifests/environments.yaml: each environment, the one it promotes from, whether GitHub
records its Deployments with production_environment set, and its clusters (a GKE cluster path or a
kubeconfig context). The first environment of the chain comes first.
--json prints {"environments":[{"name","promotesFrom","production","clusters":[{"name","gke"|"context"}]}]},
what the workflows build their matrices from.`,
  options: {},
  load: () => import("./environments.ts").then((m) => m.environmentsImplementation),
};
