import { Failure, type Outcome } from "../core/outcome.ts";
import { type ClusterAccess, type FleetSmoke, smokeFleet } from "../smoke/fleet.ts";
import type { SmokeRequest } from "../smoke/run.ts";

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
