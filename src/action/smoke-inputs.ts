import { Duration } from "../core/duration.ts";
import { expectationsForEnvironment } from "../smoke/adapters/environment.ts";
import { accessFrom, parseCount, parseHttpUrl, type SmokeRequest } from "../smoke/run.ts";

/**
 * A smoke request from named text inputs, as a GitHub Action receives them ("" when unset).
 * Expectations come from the repository's manifests for the environment; the inputs override.
 */
export function requestFromInputs(
  input: (name: string) => string,
  env: Readonly<Record<string, string | undefined>>,
  repo: string,
): Omit<SmokeRequest, "fetch" | "clock" | "open"> {
  const given = (name: string) => (input(name) === "" ? {} : { [name]: input(name) });
  const grafana = input("grafana-url");
  return {
    expectations: expectationsForEnvironment(repo, input("environment"), {
      ...(input("scrape-interval")
        ? { scrapeInterval: Duration.parse(input("scrape-interval"), "scrape-interval") }
        : {}),
      ...(input("gpus") ? { gpusPerWorker: parseCount(input("gpus"), "gpus") } : {}),
      ...(input("dcgm") === "true" ? { dcgm: true } : {}),
    }),
    access: accessFrom({
      ...(input("prometheus-url") ? { prometheusUrl: input("prometheus-url") } : {}),
      viaCluster: input("via-cluster") === "true",
      ...given("kubeconfig"),
      ...given("context"),
      env,
    }),
    ...(grafana ? { grafanaUrl: parseHttpUrl(grafana, "grafana-url") } : {}),
    timeout: Duration.parse(input("timeout") || "3m", "timeout"),
    env,
  };
}
