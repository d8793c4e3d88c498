import type { Command } from "../command.ts";
import { githubOptions, targetOptions } from "./release-options.meta.ts";

export const promoteCommand: Command = {
  name: "promote",
  summary:
    "Apply a bundle verified on the environment the target promotes from; roll back when its smoke checks fail",
  synopsis: "promote --bundle FILE --to E [--tag T] [target flags] (--prometheus URL | --via-cluster)",
  details: `
The target takes bundles from the environment it promotes from (promotesFrom in
manifests/environments.yaml). Without --bundle, takes the bundle of the tag commit's successful
Deployment there from the workflow artifacts. Refuses a bundle whose hash does not match its
content, that was built for another environment, whose commit is not the tag's, that has no
successful Deployment in the source environment, that runs an image without its digest, or when
the target would run an image the bundle does not pin. Otherwise renders the target with its
own values and the bundle's digests, records a Deployment (in_progress), applies with prune and
wait, and smoke-checks (with --gke env, every cluster through its own API server: --via-cluster).
When a check fails it re-applies the last successful bundle of the target, recorded as a
rollback Deployment, and marks the promotion failed.
Exit 0 promoted (or already running), 1 failed and rolled back, 2 refused, 3 GitHub or the
cluster unreachable, or another deployment of the target running.`,
  options: {
    bundle: {
      type: "string",
      valueName: "FILE",
      description: "the source environment's bundle",
      defaultFrom: "fetched from the tag commit's successful Deployment there",
    },
    to: { type: "string", valueName: "E", description: "the environment to promote to" },
    tag: {
      type: "string",
      valueName: "T",
      description: "the release tag",
      defaultFrom: "GITHUB_REF_NAME in a tag workflow",
    },
    commit: {
      type: "string",
      valueName: "SHA",
      description: "the tag's commit",
      defaultFrom: "GITHUB_SHA in a tag workflow, else resolved with git",
    },
    ...targetOptions,
    ...githubOptions,
  },
  load: () => import("./promote.ts").then((m) => m.promoteImplementation),
};
