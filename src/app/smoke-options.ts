import type { OptionSpec } from "../core/options.ts";

/** Without a flag, the smoke checks expect what the environment's values declare. */
const fromValues = "the environment's values";

/**
 * The smoke checks' options as `flyby smoke` names them. deploy, promote and rollback take the
 * same ones, and the smoke and promote actions' inputs map onto them, so that one reader
 * (src/wiring/smoke-settings.ts) reads them all.
 */
export const smokeOptionSpecs = {
  prometheus: { type: "string", valueName: "URL", description: "Prometheus base URL" },
  "via-cluster": { type: "boolean", description: "go through the Kubernetes API service and pod proxy" },
  grafana: {
    type: "string",
    valueName: "URL",
    description: "Grafana base URL (its checks run only with it)",
  },
  "scrape-interval": {
    type: "string",
    valueName: "D",
    description: "Prometheus scrape interval",
    defaultFrom: fromValues,
  },
  gpus: { type: "string", valueName: "N", description: "GPUs per worker pod", defaultFrom: fromValues },
  dcgm: {
    type: "boolean",
    description: "dcgm-exporter exposes the worker GPUs: check DCGM_FI_DEV_* too",
    defaultFrom: fromValues,
  },
} as const satisfies Record<string, OptionSpec>;

/**
 * How long the smoke checks poll before they give up: `--timeout` of `flyby smoke` and the
 * smoke action, `--smoke-timeout` where `--timeout` is the rollout's wait.
 */
export const smokeTimeoutSpec = {
  type: "string",
  valueName: "D",
  description: "give up after this long",
  default: "3m",
} as const satisfies OptionSpec;
