import { type KubeObject, refKey, refOf } from "../core/kube/object.ts";
import type { ApplyTarget } from "./port.ts";
import { Readiness, type Verdict, verdictOf } from "./wait.ts";

export interface RolloutDeps {
  now(): number;
  sleep(ms: number): Promise<void>;
  progress(line: string): void;
}

/** How often the deadline is checked while the watches report. */
const tickMs = 100;

function progressLine(objects: readonly KubeObject[], verdicts: ReadonlyMap<string, Verdict>): string {
  return objects
    .map((o) => {
      const v = verdicts.get(refKey(refOf(o)));
      const state = v?.state === Readiness.Ready ? " ready" : v?.state === Readiness.Failed ? " failed" : "";
      return `${o.metadata.name} ${v?.progress ?? "…"}${state}`;
    })
    .join(" · ");
}

/** One watch per kind and namespace. */
const groupOf = (o: KubeObject) => `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ""}`;

/**
 * Watches the objects until each has its own final verdict (ready, or failed: a Deployment
 * past its progress deadline fails at once) or the deadline passes. One failed rollout does
 * not end the wait for the others. Returns the last verdict of each: `progressing` only when
 * the deadline passed first.
 */
export async function waitForRollouts(
  target: ApplyTarget,
  objects: readonly KubeObject[],
  deadline: number,
  deps: RolloutDeps,
): Promise<Map<string, Verdict>> {
  const verdicts = new Map<string, Verdict>();
  if (objects.length === 0 || !target.watch) return verdicts;
  const wanted = new Set(objects.map((o) => refKey(refOf(o))));
  for (const key of wanted)
    verdicts.set(key, { state: Readiness.Progressing, progress: "…", message: "not seen yet" });
  let line = "";
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
            verdicts.set(key, verdictOf({ ...e.object, kind: o.kind }));
            const next = progressLine(objects, verdicts);
            if (next !== line) {
              line = next;
              deps.progress(line);
            }
          },
          onError,
        ),
      );
    }
    while (!settled() && deps.now() < deadline) await deps.sleep(Math.min(tickMs, deadline - deps.now()));
  } finally {
    for (const stop of stops) stop();
  }
  for (const o of objects) {
    const key = refKey(refOf(o));
    const v = verdicts.get(key);
    const e = broken.get(groupOf(o));
    if (v?.state === Readiness.Progressing && e) {
      verdicts.set(key, { ...v, message: `${v.message ?? "no news"}; the watch failed: ${e.message}` });
    }
  }
  return verdicts;
}
