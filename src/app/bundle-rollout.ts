import { Action, RolloutState, rolloutLine } from "../apply/report.ts";
import { describeRef } from "../core/kube/object.ts";
import type { Rollout, RolloutResult } from "../promote/ports.ts";
import { type DeployWorld, deploy } from "./deploy.ts";
import type { DeployOptions } from "./deploy-options.ts";
import { isClean } from "./exit-policy.ts";

/**
 * A bundle's objects through `flyby apply` with prune and wait: the same targets (a folder, a
 * kubeconfig context, GKE), the same Secrets built from the job's environment.
 */
export function bundleRollout(options: (environment: string) => DeployOptions, world: DeployWorld): Rollout {
  return {
    async apply(environment, objects): Promise<RolloutResult> {
      const result = await deploy(
        {
          ...options(environment),
          prune: true,
          wait: true,
          dryRun: false,
          objects: objects.map((object) => ({ object, source: { file: `bundle (${environment})` } })),
        },
        world,
      );
      const s = result.summary;
      const counts = `${s.created} created, ${s.configured} configured, ${s.unchanged} unchanged, ${s.pruned} pruned, ${s.failed} failed`;
      const outcomes = result.reports.flatMap((r) => r.objects);
      const failed = outcomes.find((o) => o.action === Action.Failed);
      const stuck = outcomes.find((o) => o.rollout && o.rollout.state !== RolloutState.Ready);
      const problem = result.reports.flatMap((r) => r.problems)[0];
      const why = failed
        ? `; ${describeRef(failed.ref)}: ${failed.message ?? "failed"}`
        : stuck?.rollout
          ? `; ${describeRef(stuck.ref)}: ${rolloutLine(stuck.rollout)}`
          : problem
            ? `; ${problem.message}`
            : "";
      return { ok: isClean(result.outcome), summary: `${counts}${why}` };
    },
  };
}
