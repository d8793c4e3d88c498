import { kubeOptions } from "../../core/options.ts";
import type { Command } from "../command.ts";
import { fleetOption } from "./fleet.meta.ts";
import { githubOptions, reportOptions } from "./release-options.meta.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "Show what each environment runs: bundle, commit, tag, who, when and the smoke verdict",
  synopsis: "status [--env E]... [--gke env [--kubeconfig P]] [--format text|markdown] [--title TEXT]",
  details: `
Reads the repository's GitHub Deployments (GITHUB_TOKEN; the repository is GITHUB_REPOSITORY
or, in a clone, the origin remote). For each environment: the bundle running now (the newest deployment that succeeded), and the newest
attempt when it did not succeed. --format markdown adds a Mermaid timeline of the deployments,
as the release job writes it into its summary.
With --gke env, asks every cluster of each environment instead (kube contexts from the
kubeconfig, GKE clusters through the GKE API; GitHub is not needed): each cluster's ApplySet
parent records the sha256 of the objects its last complete apply wrote (the sha256 \`flyby apply
--json\` prints). One line per environment (in sync, clusters disagree, never applied, or
unknown when a cluster cannot be read), then one per cluster.
Exit 0 · 1 the clusters of an environment disagree · 3 a cluster or GitHub unreachable.`,
  options: {
    ...reportOptions,
    title: { type: "string", valueName: "TEXT", description: "the timeline's title (markdown)" },
    kubeconfig: kubeOptions.kubeconfig,
    ...fleetOption,
    ...githubOptions,
  },
  load: () => import("./status.ts").then((m) => m.statusImplementation),
};
