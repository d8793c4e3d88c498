import type { Command } from "../command.ts";
import { githubOptions, targetOptions } from "./release-options.meta.ts";

export const deployCommand: Command = {
  name: "deploy",
  summary: "Apply a bundle to its environment, smoke-check it and record the GitHub Deployment",
  synopsis: "deploy --bundle FILE [target flags] (--prometheus URL | --via-cluster)",
  details: `
What the first environment of the chain runs on every merge: records a Deployment for the
bundle's environment (payload: the bundle's sha256 and commit), applies the bundle with prune
and wait, runs the smoke checks and sets the Deployment's status to success or failure with the
reason. A successful Deployment in an environment is what lets promote take the bundle to the
environments that promote from it (promotesFrom in manifests/environments.yaml).
Needs GITHUB_TOKEN and GITHUB_REPOSITORY. Exit 0 success, 1 apply or smoke failed, 2 bad
bundle, 3 GitHub or the cluster unreachable, or another deploy of the environment running.`,
  options: {
    bundle: { type: "string", valueName: "FILE", description: "the bundle to deploy" },
    ...targetOptions,
    ...githubOptions,
  },
  load: () => import("./deploy.ts").then((m) => m.deployImplementation),
};
