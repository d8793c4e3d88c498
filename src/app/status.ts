import { appliedObjectsOf, applySetParent } from "../apply/inventory.ts";
import { type ApplyTarget, isTargetFailure } from "../apply/port.ts";
import type { Environment } from "../core/manifests/environments.ts";
import type { Outcome } from "../core/outcome.ts";
import { Failure } from "../core/outcome.ts";
import type { DeploymentLedger, DeploymentRecord } from "../promote/ports.ts";
import {
  type ClusterApplied,
  type EnvironmentStatus,
  environmentStatus,
  type FleetStatus,
  FleetVerdict,
  fleetStatus,
} from "../promote/status.ts";

/** One cluster of an environment and its API server. */
export interface ClusterTarget {
  readonly cluster: string;
  readonly target: ApplyTarget;
}

export interface StatusRequest {
  /** In the order they are shown (promotion order by default). */
  readonly environments: readonly Environment[];
}

/** What each environment runs according to its GitHub Deployments. */
export interface DeploymentStatusOutcome extends Outcome {
  readonly rows: readonly EnvironmentStatus[];
  readonly records: ReadonlyMap<string, readonly DeploymentRecord[]>;
}

/** Where the recorded history lives. */
export interface DeploymentStatusPorts {
  readonly ledger: DeploymentLedger;
}

export async function deploymentStatus(
  request: StatusRequest,
  ports: DeploymentStatusPorts,
): Promise<DeploymentStatusOutcome> {
  const names = request.environments.map((e) => e.name);
  const records = new Map(
    await Promise.all(names.map(async (e) => [e, await ports.ledger.list(e)] as const)),
  );
  return { rows: names.map((e) => environmentStatus(e, records.get(e) ?? [])), records };
}

/** What each cluster of each environment runs, from its ApplySet parent. */
export interface FleetStatusOutcome extends Outcome {
  readonly fleets: readonly FleetStatus[];
}

export interface FleetStatusPorts {
  /** Every cluster of the environment (kube contexts, GKE clusters). */
  clusters(environment: Environment): Promise<readonly ClusterTarget[]>;
}

async function appliedOn(
  environment: Environment,
  { cluster, target }: ClusterTarget,
): Promise<ClusterApplied> {
  const parent = applySetParent(environment.name, environment.appNamespace);
  const ref = { group: "", version: "v1", kind: "ConfigMap", namespace: parent.namespace, name: parent.name };
  try {
    const sha256 = appliedObjectsOf(await target.get(ref));
    return { cluster, ...(sha256 ? { sha256 } : {}) };
  } catch (e) {
    // A cluster that cannot be read is that cluster's answer; the others are still shown.
    if (isTargetFailure(e)) return { cluster, error: e.message };
    throw e;
  }
}

/**
 * Reads every cluster's ApplySet parent at once. Not clean when the clusters of an environment
 * run different objects; an environment failure when a cluster could not be read.
 */
export async function clusterStatus(
  request: StatusRequest,
  ports: FleetStatusPorts,
): Promise<FleetStatusOutcome> {
  const fleets = await Promise.all(
    request.environments.map(async (environment) => {
      const clusters = await ports.clusters(environment);
      return fleetStatus(environment.name, await Promise.all(clusters.map((c) => appliedOn(environment, c))));
    }),
  );
  return {
    fleets,
    checks: fleets.map((f) => ({ passed: f.verdict !== FleetVerdict.Disagree })),
    failures: fleets.filter((f) => f.verdict === FleetVerdict.Unreachable).map(() => Failure.Environment),
  };
}
