import type { OptionSpec } from "../../core/options.ts";

/** `--gke env`, as `flyby apply` spells "every cluster of the environment". */
export const fleetOption: Readonly<Record<string, OptionSpec>> = {
  gke: {
    type: "string",
    valueName: "env",
    description:
      "env: every cluster of the environment (manifests/environments.yaml), in parallel, a verdict per cluster",
  },
};
