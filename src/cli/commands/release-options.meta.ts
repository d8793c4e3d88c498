import { smokeOptionSpecs, smokeTimeoutSpec } from "../../app/smoke-options.ts";
import type { OptionSpec } from "../../core/options.ts";
import { applyCommand } from "./apply.meta.ts";

/** Where the ledger lives: GITHUB_TOKEN, and GITHUB_REPOSITORY or the clone's origin remote. */
export const githubOptions: Readonly<Record<string, OptionSpec>> = {
  bundles: {
    type: "string",
    valueName: "DIR",
    description: "folder of bundles by hash, uploaded as artifacts by the workflow",
    defaultFrom: ".flyby/bundles in the repository",
  },
};

const applyOptions = applyCommand.options;

/** Where to apply, as `flyby apply` takes it, and the smoke checks' options, as `flyby smoke` takes them. */
export const targetOptions: Readonly<Record<string, OptionSpec>> = {
  ...Object.fromEntries(
    ["kubeconfig", "context", "gke", "concurrency"].map((k) => [k, applyOptions[k] as OptionSpec]),
  ),
  // These commands always wait for their rollouts: there is no --wait to refer to.
  timeout: { ...(applyOptions.timeout as OptionSpec), description: "how long the rollout wait lasts" },
  target: { ...(applyOptions.target as OptionSpec), default: "cluster" },
  ...Object.fromEntries(
    Object.entries({ ...smokeOptionSpecs, "smoke-timeout": smokeTimeoutSpec }).map(([name, spec]) => [
      name,
      { ...spec, description: `smoke checks: ${spec.description}` },
    ]),
  ),
};

export const reportOptions: Readonly<Record<string, OptionSpec>> = {
  env: {
    type: "string",
    multiple: true,
    valueName: "E",
    description: "an environment, repeatable",
    defaultFrom: "every environment, in promotion order",
  },
  format: { type: "string", valueName: "text|markdown", description: "output format", default: "text" },
};
