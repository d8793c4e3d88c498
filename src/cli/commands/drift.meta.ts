import { kubeOptions, requestTimeoutOptions } from "../../core/options.ts";
import type { Command } from "../command.ts";
import { fleetOption } from "./fleet.meta.ts";
import { githubOptions, reportOptions } from "./release-options.meta.ts";

export const driftCommand: Command = {
  name: "drift",
  summary: "Diff the live cluster against the bundle last applied to each environment",
  synopsis:
    "drift [--env E]... [--kubeconfig P] [--context C | --gke env] [--request-timeout D] [--issue] [--format text|markdown]",
  details: `
For each environment, takes the bundle of its newest successful GitHub Deployment (a rollback
counts: it is what should run) and diffs the live objects against it, as \`flyby diff
--against cluster\` does, with Secret values redacted. With --issue, keeps one open issue per
drifting environment ("Drift in <environment>", label flyby-drift) up to date and closes it once
the live state matches again. With --gke env, every cluster of each environment is diffed at
once (kube contexts from the kubeconfig, GKE clusters through the GKE API), one diff per cluster,
and stderr says per cluster "drift", "no drift" or "unreachable". A cluster that cannot be read
gets one line with the cause and its API server's URL; the others are still diffed. The issue is
then never closed: it is "kept" open, or "unknown" when none is open. --json prints each
environment's clusters by name, each with its verdict, counts and the objects that drifted, or
"unreachable" with the cause.
Exit 0 no drift, 1 drift found, 3 GitHub or a cluster unreachable or the bundle gone (3 even
when another cluster drifted).`,
  options: {
    ...kubeOptions,
    ...requestTimeoutOptions,
    issue: { type: "boolean", description: "open, update or close the environment's drift issue" },
    ...fleetOption,
    ...reportOptions,
    ...githubOptions,
  },
  load: () => import("./drift.ts").then((m) => m.driftImplementation),
};
