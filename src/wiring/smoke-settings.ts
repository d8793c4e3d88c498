import { repositoryManifests } from "../adapters/manifest-files.ts";
import { everyClusterAsked } from "../app/every-cluster.ts";
import {
  type SmokeEnvironmentOutcome,
  type SmokeEnvironmentRequest,
  type SmokePorts,
  smokeEnvironment,
} from "../app/smoke.ts";
import { smokeTimeoutSpec } from "../app/smoke-options.ts";
import { Duration } from "../core/duration.ts";
import { UsageError } from "../core/errors.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { flag, type OptionSource, pathOption, stringOption, timeoutOption } from "../core/options.ts";
import { expectationsFromManifests } from "../smoke/adapters/environment.ts";
import type { ClusterAccess } from "../smoke/fleet.ts";
import { accessFrom, type PrometheusAccess, parseCount, parseHttpUrl } from "../smoke/run.ts";
import { clusterAccesses } from "./world.ts";

/**
 * Where the smoke settings come from: a command's options or an action's inputs turned into
 * options, the repository the manifests are read from, and the job's environment.
 */
export interface SmokeSource extends OptionSource {
  /** The repository root. */
  readonly cwd: string;
  /** Grafana's credentials and $KUBECONFIG are read from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How a message names an option: `--gpus` on the command line (the default), `gpus` in an action. */
  spell?(option: string): string;
}

/**
 * Who reads them: `flyby smoke` and the smoke action (`--timeout`; `--gke` takes only `env`), or a
 * release: deploy, promote, rollback and the promote action (`--smoke-timeout`, as their
 * `--timeout` is the rollout's wait; `--gke` may also name the GKE clusters to apply to).
 */
export type SmokeReader = "smoke" | "release";

export interface SmokeSettings {
  /** Whether every cluster of the environment is checked (`--gke env`), each with its own verdict. */
  readonly everyCluster: boolean;
  readonly grafanaUrl?: string;
  /**
   * An environment's smoke run: its expectations from the repository's manifests with the
   * options over them, and the clusters to check.
   */
  request(environment: string): SmokeEnvironmentRequest;
}

/** Why a Prometheus URL is refused with `--gke env`, wherever the smoke checks run, in their spelling. */
export function oneUrlForManyClusters(label: (option: string) => string = (o) => `--${o}`): string {
  return `${label("gke")} env reaches each cluster's Prometheus through that cluster's API server: give ${label("via-cluster")}, not ${label("prometheus")}`;
}

/**
 * The smoke settings of every edge that runs the smoke checks, read once and checked at once:
 * bad input is refused before anything is applied or recorded.
 */
export function readSmokeSettings(source: SmokeSource, reader: SmokeReader): SmokeSettings {
  const label = (option: string) => source.spell?.(option) ?? `--${option}`;
  const interval = stringOption(source, "scrape-interval");
  const gpus = stringOption(source, "gpus");
  const overrides = {
    ...(interval ? { scrapeInterval: Duration.parse(interval, label("scrape-interval")) } : {}),
    ...(gpus !== undefined ? { gpusPerWorker: parseCount(gpus, label("gpus")) } : {}),
    ...(flag(source, "dcgm") ? { dcgm: true } : {}),
  };
  const grafana = stringOption(source, "grafana");
  const grafanaUrl = grafana ? parseHttpUrl(grafana, label("grafana")) : undefined;
  const timeoutName = reader === "smoke" ? "timeout" : "smoke-timeout";
  const timeout = timeoutOption(
    {
      ...source,
      options: { ...source.options, [timeoutName]: source.options[timeoutName] ?? smokeTimeoutSpec.default },
    },
    timeoutName,
    label(timeoutName),
  );
  const fleet = fleetRule(source, prometheusAccess(source), reader, label);
  const check = { ...(grafanaUrl ? { grafanaUrl } : {}), timeout, env: source.env };
  return {
    everyCluster: fleet.everyCluster,
    ...(grafanaUrl ? { grafanaUrl } : {}),
    request: (environment) => {
      // One read of the manifests serves the expectations and the clusters.
      const tree = repositoryManifests(source.cwd);
      return {
        environment,
        check: { ...check, expectations: expectationsFromManifests(tree, environment, overrides) },
        clusters: fleet.clustersOf(tree, environment),
      };
    },
  };
}

function prometheusAccess(source: SmokeSource): PrometheusAccess {
  const prometheusUrl = stringOption(source, "prometheus");
  const kubeconfig = pathOption(source, "kubeconfig");
  const context = stringOption(source, "context");
  return accessFrom({
    ...(prometheusUrl !== undefined ? { prometheusUrl } : {}),
    viaCluster: flag(source, "via-cluster"),
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    env: source.env,
  });
}

/**
 * The fleet rule: without `--gke env`, the one Prometheus `reach` names; with it, every cluster
 * of the environment through its own API server. One Prometheus URL cannot stand for several
 * clusters (it would give one verdict for all of them, whichever cluster it lives in), so it is
 * refused, as is `--context` (each cluster has its own).
 */
function fleetRule(
  source: SmokeSource,
  reach: PrometheusAccess,
  reader: SmokeReader,
  label: (option: string) => string,
): { everyCluster: boolean; clustersOf(tree: ManifestTree, environment: string): ClusterAccess[] } {
  const contextGiven = source.options.context !== undefined;
  if (!everyClusterAsked(source.options.gke, contextGiven, reader === "smoke", label))
    return { everyCluster: false, clustersOf: () => [{ cluster: "", access: reach }] };
  if (reach.kind !== "cluster") throw new UsageError(oneUrlForManyClusters(label));
  const { kubeconfig } = reach;
  return {
    everyCluster: true,
    clustersOf: (tree, environment) => clusterAccesses(loadEnvironments(tree).get(environment), kubeconfig),
  };
}

/**
 * An environment's smoke checks as `flyby smoke`, the smoke action and the demo run them: the
 * settings read from `source`, then the checks run with `ports`.
 */
export async function runSmoke(
  source: SmokeSource,
  environment: string,
  ports: SmokePorts,
): Promise<{ readonly everyCluster: boolean; readonly result: SmokeEnvironmentOutcome }> {
  const settings = readSmokeSettings(source, "smoke");
  return {
    everyCluster: settings.everyCluster,
    result: await smokeEnvironment(settings.request(environment), ports),
  };
}
