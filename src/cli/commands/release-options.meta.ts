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

/** The smoke checks' expectations; without a flag they come from the environment's values. */
const fromValues = "the environment's values";

/** Where to apply, as `flyby apply` takes it, and how to reach the smoke checks. */
export const targetOptions: Readonly<Record<string, OptionSpec>> = {
  ...Object.fromEntries(
    ["kubeconfig", "context", "gke", "concurrency"].map((k) => [k, applyOptions[k] as OptionSpec]),
  ),
  // These commands always wait for their rollouts: there is no --wait to refer to.
  timeout: { ...(applyOptions.timeout as OptionSpec), description: "how long the rollout wait lasts" },
  target: { ...(applyOptions.target as OptionSpec), default: "cluster" },
  prometheus: { type: "string", valueName: "URL", description: "smoke checks: Prometheus base URL" },
  "via-cluster": {
    type: "boolean",
    description: "smoke checks: reach Prometheus through the Kubernetes API",
  },
  grafana: { type: "string", valueName: "URL", description: "smoke checks: Grafana base URL" },
  "smoke-timeout": {
    type: "string",
    valueName: "D",
    description: "smoke checks: give up after",
    default: "3m",
  },
  "scrape-interval": {
    type: "string",
    valueName: "D",
    description: "smoke checks: Prometheus scrape interval",
    defaultFrom: fromValues,
  },
  gpus: {
    type: "string",
    valueName: "N",
    description: "smoke checks: GPUs per worker pod",
    defaultFrom: fromValues,
  },
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
