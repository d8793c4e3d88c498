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

/** A verdict per cluster and one for the environment: it passes only when every cluster does. */
export interface FleetSmoke {
  readonly passed: boolean;
  readonly clusters: readonly ClusterSmoke[];
}

/**
 * The smoke checks on every cluster of an environment at once; progress lines name the
 * cluster (a lone unnamed one, reached by URL or the kubeconfig's context, stays unnamed).
 */
export async function smokeFleet(
  request: Omit<SmokeRequest, "access">,
  clusters: readonly ClusterAccess[],
): Promise<FleetSmoke> {
  const progress = request.progress;
  const results = await Promise.all(
    clusters.map(async ({ cluster, access }) => ({
      cluster,
      outcome: await smoke({
        ...request,
        access,
        ...(progress ? { progress: (line: string) => progress(cluster ? `${cluster}: ${line}` : line) } : {}),
      }),
    })),
  );
  return { passed: results.every((r) => r.outcome.run.verdict.passed), clusters: results };
}

/** Each cluster's report under its name, then the environment's verdict. */
export function formatFleetReport(environment: string, fleet: FleetSmoke): string {
  const parts = fleet.clusters.map((c) => `cluster ${c.cluster}:\n${formatReport(c.outcome.run)}`);
  const failed = fleet.clusters.filter((c) => !c.outcome.run.verdict.passed).map((c) => c.cluster);
  const verdict = fleet.passed
    ? `smoke ${environment}: passed on all ${fleet.clusters.length} clusters`
    : `smoke ${environment}: FAILED on ${failed.join(", ")} (${failed.length} of ${fleet.clusters.length} clusters)`;
  return `${parts.join("\n")}\n${verdict}\n`;
}

/** The ids of the checks that did not pass, on any cluster, each once. */
export function failedCheckIds(fleet: FleetSmoke): string[] {
  const runs = fleet.clusters.map((c) => c.outcome.run.verdict.checks);
  return [...new Set(runs.flatMap((checks) => checks.filter((c) => c.status !== "pass").map((c) => c.id)))];
}
