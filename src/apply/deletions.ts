import { stageOf } from "../core/kube/kinds.ts";
import { type ObjectRef, refKey } from "../core/kube/object.ts";
import { classifyFailure } from "./failure.ts";
import { forEachBounded } from "./pool.ts";
import { ApiFailure, type ApplyTarget } from "./port.ts";
import { Action, type ObjectOutcome } from "./report.ts";

/**
 * Deletes pruned members in the reverse of apply order (workloads before what they use), a stage
 * at a time; the first failure starts no more deletions. An object already gone counts as pruned.
 */
export async function deleteMembers(
  target: ApplyTarget,
  call: <T>(f: () => Promise<T>) => Promise<T>,
  deletions: readonly ObjectRef[],
  options: { readonly concurrency: number; readonly dryRun: boolean },
): Promise<{ outcomes: ObjectOutcome[]; failed: boolean }> {
  const outcomes: ObjectOutcome[] = [];
  let failed = false;
  const stages = [...new Set(deletions.map((r) => stageOf(r.kind)))].sort((a, b) => b - a);
  for (const stage of stages) {
    await forEachBounded(
      deletions.filter((r) => stageOf(r.kind) === stage),
      options.concurrency,
      async (ref) => {
        try {
          await call(() => target.delete(ref, { dryRun: options.dryRun })).catch((e: unknown) => {
            if (e instanceof ApiFailure && e.status === 404) return;
            throw e;
          });
          outcomes.push({ ref, action: Action.Pruned });
        } catch (e) {
          const f = classifyFailure(e);
          outcomes.push({ ref, action: Action.Failed, failure: f.kind, message: `delete: ${f.message}` });
          failed = true;
        }
      },
      () => failed,
    );
    if (failed) break;
  }
  outcomes.sort((a, b) => refKey(a.ref).localeCompare(refKey(b.ref)));
  return { outcomes, failed };
}
