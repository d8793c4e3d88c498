import { UsageError } from "../core/errors.ts";
import { Failure, type Outcome } from "../core/outcome.ts";
import { type ClusterAccess, type FleetSmoke, smokeFleet } from "../smoke/fleet.ts";
import type { PrometheusAccess, SmokeRequest } from "../smoke/run.ts";

export interface SmokeEnvironmentRequest {
  readonly environment: string;
  /** What to check and for how long (expectations, Grafana, timeout, Grafana credentials). */
  readonly check: Omit<SmokeRequest, "access" | "fetch" | "clock" | "open" | "progress">;
  /** One Prometheus (`cluster` ""), or every cluster of the environment, each reached its own way. */
  readonly clusters: readonly ClusterAccess[];
}

export interface SmokePorts {
  readonly fetch: SmokeRequest["fetch"];
  readonly clock: SmokeRequest["clock"];
  /** Reaches each cluster's Prometheus and the Grafana (openSources, or fakes in tests). */
  readonly open: SmokeRequest["open"];
  progress?(line: string): void;
}

export interface SmokeEnvironmentOutcome extends Outcome, FleetSmoke {
  readonly environment: string;
}

/**
 * The smoke checks of an environment on each of its clusters at once: a verdict per cluster,
 * and the environment passes only when every cluster does.
 */
export async function smokeEnvironment(
  request: SmokeEnvironmentRequest,
  ports: SmokePorts,
): Promise<SmokeEnvironmentOutcome> {
  const fleet = await smokeFleet(
    {
      ...request.check,
      fetch: ports.fetch,
      clock: ports.clock,
      open: ports.open,
      ...(ports.progress ? { progress: ports.progress } : {}),
    },
    request.clusters,
  );
  return {
    environment: request.environment,
    ...fleet,
    checks: fleet.clusters.map((c) => ({ passed: c.outcome.run.verdict.passed })),
    failures: fleet.unreachable.map(() => Failure.Environment),
  };
}

/**
 * Every cluster's Prometheus for `--gke env`. One Prometheus URL cannot stand for several
 * clusters (it would give one verdict for all of them, whichever cluster it lives in), so a
 * URL is refused: each cluster's own Prometheus is reached through its API server.
 */
export function fleetAccesses(
  reach: PrometheusAccess,
  perCluster: (kubeconfig: string | undefined) => ClusterAccess[],
): ClusterAccess[] {
  if (reach.kind !== "cluster") {
    throw new UsageError(
      "--gke env reaches each cluster's Prometheus through that cluster's API server: give --via-cluster, not --prometheus",
    );
  }
  return perCluster(reach.kubeconfig);
}

/** The clusters a run checks: `gke` "" for the Prometheus `reach` names, "env" for every cluster. */
export function clustersToSmoke(
  reach: PrometheusAccess,
  gke: string,
  perCluster: (kubeconfig: string | undefined) => ClusterAccess[],
): ClusterAccess[] {
  if (gke === "") return [{ cluster: "", access: reach }];
  if (gke !== "env") throw new UsageError(`gke takes "env" (every cluster of the environment), not "${gke}"`);
  return fleetAccesses(reach, perCluster);
}
