import type { Command } from "../command.ts";
import { githubOptions, targetOptions } from "./release-options.meta.ts";

export const promoteCommand: Command = {
  name: "promote",
  summary: "Apply a bundle verified on staging to production; roll back when its smoke checks fail",
  synopsis:
    "promote --bundle FILE --to production [--tag T] [target flags] (--prometheus URL | --via-cluster)",
  details: `
Without --bundle, takes the bundle of the tag commit's successful staging Deployment from the
workflow artifacts. Refuses a bundle whose hash does not match its content, whose commit is not the tag's, that
has no successful staging Deployment, that runs an image without its digest, or when
production would run an image the bundle does not pin. Otherwise renders production with its
own values and the bundle's digests, records a production Deployment (in_progress), applies
with prune and wait, and smoke-checks. When the checks fail it re-applies the last successful
production bundle, recorded as a rollback Deployment, and marks the promotion failed.
Exit 0 promoted (or already running), 1 failed and rolled back, 2 refused, 3 GitHub or the
cluster unreachable, or another deployment of production running.`,
  options: {
    bundle: {
      type: "string",
      valueName: "FILE",
      description: "the staging bundle",
      defaultFrom: "fetched from the tag commit's successful staging Deployment",
    },
    to: { type: "string", valueName: "E", description: "the environment to promote to (production)" },
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
