import type { OptionValues } from "../core/options.ts";
import type { SmokeSource } from "../wiring/smoke-settings.ts";

/** The smoke inputs the smoke and promote actions share, and their options; the URL inputs are named for what they hold. */
export const smokeInputOptions: Readonly<Record<string, string>> = {
  "prometheus-url": "prometheus",
  "grafana-url": "grafana",
  kubeconfig: "kubeconfig",
  context: "context",
};

/** The smoke action's text inputs, and the option each one is. */
const smokeActionInputs: Readonly<Record<string, string>> = {
  ...smokeInputOptions,
  timeout: "timeout",
  "scrape-interval": "scrape-interval",
  gpus: "gpus",
};

/** How a message names an option in an action: by the input it comes from (`prometheus-url`). */
export function inputSpelling(names: Readonly<Record<string, string>>): (option: string) => string {
  const inputOf = new Map(Object.entries(names).map(([name, option]) => [option, name]));
  return (option) => inputOf.get(option) ?? option;
}

/** The inputs that are given (not ""), each as the option it is. */
export function givenInputs(
  input: (name: string) => string,
  names: Readonly<Record<string, string>>,
): OptionValues {
  return Object.fromEntries(
    Object.entries(names).flatMap(([name, option]) => (input(name) ? [[option, input(name)]] : [])),
  );
}

/**
 * The smoke action's inputs as the options `flyby smoke` takes, read by the same reader
 * (src/wiring/smoke-settings.ts); its messages name the inputs. Expectations come from the
 * repository's manifests for the environment; the inputs override.
 */
export function smokeSource(
  input: (name: string) => string,
  repo: string,
  env: Readonly<Record<string, string | undefined>>,
): SmokeSource {
  return {
    options: {
      ...givenInputs(input, smokeActionInputs),
      "via-cluster": input("via-cluster") === "true",
      dcgm: input("dcgm") === "true",
      ...(input("gke") ? { gke: input("gke") } : {}),
    },
    workDir: repo,
    cwd: repo,
    env,
    spell: inputSpelling(smokeActionInputs),
  };
}
