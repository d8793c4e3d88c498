import { type DeployOptions, deployOptionSpecs, deployOptionsOf } from "../app/deploy-options.ts";
import { type OptionValues, optionDefaults } from "../core/options.ts";
import { givenInputs } from "./smoke-inputs.ts";

/** What the deploy action reads its inputs with (@actions/core). */
export interface ActionInputs {
  getInput(name: string, options?: { required?: boolean }): string;
  getBooleanInput(name: string): boolean;
  getMultilineInput(name: string): string[];
}

/**
 * The deploy options from the deploy action's inputs, named as `apply`'s options (`environment`
 * is `--env`) and read by the same rules; a `dir:` folder is relative to `workDir`.
 */
export function deployOptionsFromInputs(core: ActionInputs, workDir: string): DeployOptions {
  const flags = ["prune", "wait", "dry-run", "force-conflicts"];
  const options: OptionValues = {
    ...optionDefaults(deployOptionSpecs),
    env: core.getInput("environment", { required: true }),
    target: core.getInput("target", { required: true }),
    ...givenInputs((n) => core.getInput(n), {
      kubeconfig: "kubeconfig",
      context: "context",
      timeout: "timeout",
      concurrency: "concurrency",
    }),
    ...Object.fromEntries(flags.map((n) => [n, core.getBooleanInput(n)])),
    gke: core.getMultilineInput("gke"),
    "allow-destructive": core.getMultilineInput("allow-destructive"),
  };
  return deployOptionsOf({ options, workDir });
}
