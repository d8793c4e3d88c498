import { type ApplyDeps, applyEnvironment } from "../../apply/apply.ts";
import { withAppliedHash } from "../../apply/compare.ts";
import { applySetParent, withMembership } from "../../apply/inventory.ts";
import type { ApplyTarget } from "../../apply/port.ts";
import { Action, summarize } from "../../apply/report.ts";
import { describeRef, type KubeObject } from "../../core/kube/object.ts";
import type { Environments } from "../../core/manifests/environments.ts";
import type { Rollout, RolloutResult } from "../ports.ts";

export interface ApplyRolloutOptions {
  readonly target: ApplyTarget;
  readonly environments: Environments;
  readonly timeoutMs: number;
  readonly concurrency: number;
  readonly deps: ApplyDeps;
  /** Objects that never go into a bundle (Secrets built from the job's environment). */
  readonly extra?: (environment: string, objects: readonly KubeObject[]) => readonly KubeObject[];
}

/** A bundle's objects through the apply engine: server-side apply, prune by inventory, wait for rollouts. */
export function applyRollout(options: ApplyRolloutOptions): Rollout {
  return {
    async apply(environment, objects): Promise<RolloutResult> {
      const env = options.environments.get(environment);
      const all = [...objects, ...(options.extra?.(environment, objects) ?? [])];
      const report = await applyEnvironment(
        options.target,
        {
          environment,
          appNamespace: env.appNamespace,
          namespaces: env.namespaces,
          objects: all.map((object) => ({ object, source: { file: `bundle (${environment})` } })),
          prune: true,
          wait: true,
          timeoutMs: options.timeoutMs,
          dryRun: false,
          concurrency: options.concurrency,
          force: false,
          allowDestructive: new Set(),
        },
        options.deps,
      );
      const s = summarize(report.objects);
      const failed = report.objects.find((o) => o.action === Action.Failed);
      const counts = `${s.created} created, ${s.configured} configured, ${s.unchanged} unchanged, ${s.pruned} pruned, ${s.failed} failed`;
      const why = failed
        ? `; ${describeRef(failed.ref)}: ${failed.message ?? failed.rollout ?? "failed"}`
        : "";
      const problem = report.problems[0] ? `; ${report.problems[0]}` : "";
      return { ok: s.failed === 0 && report.problems.length === 0, summary: `${counts}${why}${problem}` };
    },
  };
}

/** The objects as the apply engine writes them (ApplySet membership, applied hash), for comparing with live ones. */
export function asApplied(
  environment: string,
  appNamespace: string,
  objects: readonly KubeObject[],
): KubeObject[] {
  const parent = applySetParent(environment, appNamespace);
  return objects.map((o) => withAppliedHash(withMembership(o, parent)));
}
