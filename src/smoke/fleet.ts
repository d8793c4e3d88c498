import { EnvironmentError } from "../core/errors.ts";
import { formatReport } from "./report.ts";
import { type PrometheusAccess, type SmokeOutcome, type SmokeRequest, smoke } from "./run.ts";

/** One cluster of an environment and how its Prometheus is reached. */
export interface ClusterAccess {
  readonly cluster: string;
  readonly access: PrometheusAccess;
}

export interface ClusterSmoke {
  readonly cluster: string;
  readonly outcome: SmokeOutcome;
}

/** A cluster whose checks could not run: its API server or Prometheus could not be reached. */
export interface UnreachableCluster {
  readonly cluster: string;
  /** Why, naming what could not be reached. */
  readonly error: EnvironmentError;
}

/** Whether a cluster's answer is its checks, not why they could not run. */
export function ranChecks(answer: ClusterSmoke | UnreachableCluster): answer is ClusterSmoke {
  return "outcome" in answer;
}

/**
 * A verdict per cluster and one for the environment: it passes only when every cluster was
 * reached and passed.
 */
export interface FleetSmoke {
  readonly passed: boolean;
  /** The clusters whose checks ran, in the order given. */
  readonly clusters: readonly ClusterSmoke[];
  /** The clusters that could not be reached, in the order given. */
  readonly unreachable: readonly UnreachableCluster[];
  /** Every cluster's answer, its checks or why they could not run, in the order given. */
  readonly answers: readonly (ClusterSmoke | UnreachableCluster)[];
}

/**
 * The smoke checks on every cluster of an environment at once; progress lines name the
 * cluster (a lone unnamed one, reached by URL or the kubeconfig's context, stays unnamed). A
 * named cluster that cannot be reached is that cluster's answer; the others still run to the end.
 */
export async function smokeFleet(
  request: Omit<SmokeRequest, "access">,
  clusters: readonly ClusterAccess[],
): Promise<FleetSmoke> {
  const progress = request.progress;
  const results = await Promise.all(
    clusters.map(async ({ cluster, access }): Promise<ClusterSmoke | UnreachableCluster> => {
      try {
        const outcome = await smoke({
          ...request,
          access,
          ...(progress
            ? { progress: (line: string) => progress(cluster ? `${cluster}: ${line}` : line) }
            : {}),
        });
        return { cluster, outcome };
      } catch (e) {
        // The lone unnamed cluster of a run without a fleet fails the run as it always has.
        if (cluster !== "" && e instanceof EnvironmentError) return { cluster, error: e };
        throw e;
      }
    }),
  );
  const ran = results.filter(ranChecks);
  const unreachable = results.filter((r): r is UnreachableCluster => !ranChecks(r));
  return {
    passed: unreachable.length === 0 && ran.every((r) => r.outcome.run.verdict.passed),
    clusters: ran,
    unreachable,
    answers: results,
  };
}

/**
 * Each cluster's report under its name, then one line for each cluster that could not be
 * reached, then the environment's verdict.
 */
export function formatFleetReport(environment: string, fleet: FleetSmoke): string {
  const parts = fleet.answers.map((a) =>
    ranChecks(a)
      ? `cluster ${a.cluster}:\n${formatReport(a.outcome.run)}`
      : `cluster ${a.cluster}: unreachable: ${a.error.message}\n`,
  );
  const failed = fleet.answers
    .filter((a) => !ranChecks(a) || !a.outcome.run.verdict.passed)
    .map((a) => a.cluster);
  const all = fleet.answers.length;
  const verdict = fleet.passed
    ? `smoke ${environment}: passed on all ${all} clusters`
    : `smoke ${environment}: FAILED on ${failed.join(", ")} (${failed.length} of ${all} clusters)`;
  return `${parts.join("\n")}\n${verdict}\n`;
}

/** The ids of the checks that did not pass, on any cluster, each once. */
export function failedCheckIds(fleet: FleetSmoke): string[] {
  const runs = fleet.clusters.map((c) => c.outcome.run.verdict.checks);
  return [...new Set(runs.flatMap((checks) => checks.filter((c) => c.status !== "pass").map((c) => c.id)))];
}
