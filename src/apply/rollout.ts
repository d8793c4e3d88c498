import { type KubeObject, keyOf, refKey, refOf } from "../core/kube/object.ts";
import { explainRollout } from "./explain.ts";
import type { ApplyTarget } from "./port.ts";
import type { ProgressBoard, ProgressRow } from "./progress.ts";
import type { Diagnosis } from "./reasons.ts";
import { Readiness, type RolloutVerdict, rolloutVerdictOf } from "./wait.ts";

export interface RolloutDeps {
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Where the live lines go, under `scope` (the target's name). */
  readonly board: ProgressBoard;
  readonly scope: string;
}

/** A workload's last verdict and, when it is not ready, why (from its Pods and Events). */
export interface RolloutResult extends RolloutVerdict {
  readonly diagnosis?: Diagnosis;
}

/** How often the deadline is checked while the watches report (and a log's lines fall due). */
const tickMs = 100;

const unseen: RolloutVerdict = {
  state: Readiness.Progressing,
  progress: "…",
  live: "…",
  message: "not seen yet",
};

/** A line for each workload the watches have reported on so far. */
function progressRows(
  objects: readonly KubeObject[],
  verdicts: ReadonlyMap<string, RolloutVerdict>,
): ProgressRow[] {
  return objects.flatMap((o) => {
    const v = verdicts.get(keyOf(o));
    return v && v !== unseen ? [{ name: o.metadata.name, state: v.state, live: v.live }] : [];
  });
}

/** One watch per kind and namespace. */
const groupOf = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}`;

/**
 * Watches the objects until each has its own final verdict (ready, or failed: a Deployment
 * past its progress deadline fails at once) or the deadline passes. One failed rollout does
 * not end the wait for the others. Returns the last verdict of each: `progressing` only when
 * the deadline passed first. A workload that is not ready comes with the reasons its newest
 * Pods and their Events give.
 */
export async function waitForRollouts(
  target: ApplyTarget,
  objects: readonly KubeObject[],
  deadline: number,
  deps: RolloutDeps,
): Promise<Map<string, RolloutResult>> {
  const verdicts = new Map<string, RolloutResult>();
  if (objects.length === 0 || !target.watch) return verdicts;
  const wanted = new Set(objects.map(keyOf));
  for (const key of wanted) verdicts.set(key, unseen);
  const show = () => deps.board.show(deps.scope, progressRows(objects, verdicts));
  const settled = () => [...verdicts.values()].every((v) => v.state !== Readiness.Progressing);
  const groups = new Map<string, KubeObject>();
  for (const o of objects) groups.set(groupOf(o), o);
  const stops: (() => void)[] = [];
  // Why each group's watch last broke, until it reports again: said when the deadline passes.
  const broken = new Map<string, Error>();
  try {
    for (const [group, o] of groups) {
      const onError = (e: Error) => broken.set(group, e);
      stops.push(
        await target.watch(
          { apiVersion: o.apiVersion, kind: o.kind },
          o.metadata.namespace,
          (e) => {
            broken.delete(group);
            const key = refKey(
              refOf({ ...e.object, apiVersion: e.object.apiVersion ?? o.apiVersion, kind: o.kind }),
            );
            if (!wanted.has(key) || e.type === "DELETED") return;
            // A failed rollout stays failed: its verdict is final, like kubectl's rollout status.
            if (verdicts.get(key)?.state === Readiness.Failed) return;
            verdicts.set(key, rolloutVerdictOf({ ...e.object, kind: o.kind }));
            show();
          },
          onError,
        ),
      );
    }
    show();
    while (!settled() && deps.now() < deadline) {
      await deps.sleep(Math.min(tickMs, deadline - deps.now()));
      show();
    }
  } finally {
    for (const stop of stops) stop();
    deps.board.end();
  }
  // The workloads that are not ready are explained side by side: each reads its Pods and Events.
  await Promise.all(
    objects.map(async (o) => {
      const key = keyOf(o);
      const v = verdicts.get(key);
      if (!v || v.state === Readiness.Ready) return;
      const e = v.state === Readiness.Progressing ? broken.get(groupOf(o)) : undefined;
      const message = e ? `${v.message ?? "no news"}; the watch failed: ${e.message}` : v.message;
      const diagnosis = await explainRollout(target, o);
      verdicts.set(key, { ...v, ...(message ? { message } : {}), ...(diagnosis ? { diagnosis } : {}) });
    }),
  );
  return verdicts;
}
