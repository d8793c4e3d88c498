import { appliedForm } from "../apply/compare.ts";
import type { ApplySetParent } from "../apply/inventory.ts";
import type { ApplyTarget } from "../apply/port.ts";
import { type KubeObject, keyOf, type RenderedObject, refKey } from "../core/kube/object.ts";
import { type LiveDiffOptions, type LiveScope, liveDiff } from "./live.ts";
import { located } from "./locate.ts";
import { diffObjects } from "./object-diff.ts";
import type { Redactor } from "./redact.ts";
import type { EnvironmentDiff } from "./report.ts";

/**
 * What the rendered environment is compared with. For `objects` (a git ref's render, a folder
 * of hydrated files) every object in it is inventory: one no longer rendered is a removal.
 */
export type Baseline =
  | {
      readonly type: "objects";
      readonly label: string;
      readonly objects: readonly KubeObject[];
      /**
       * Set when the objects are what `apply --target dir:` wrote for this ApplySet: the render
       * is then compared in the form apply writes (membership label, applied hash).
       */
      readonly appliedAs?: ApplySetParent;
    }
  | {
      readonly type: "cluster";
      readonly label: string;
      readonly target: ApplyTarget;
      readonly scope: LiveScope;
      readonly concurrency?: number;
      readonly call?: LiveDiffOptions["call"];
    };

export async function diffEnvironment(
  environment: string,
  rendered: readonly RenderedObject[],
  baseline: Baseline,
  redactor: Redactor,
): Promise<EnvironmentDiff> {
  if (baseline.type === "objects") {
    const after = rendered.map((r) => r.object);
    const byKey = new Map<string, RenderedObject>();
    const sources = new Map<string, RenderedObject["source"]>();
    for (const r of rendered) {
      const key = keyOf(r.object);
      byKey.set(key, r);
      sources.set(key, r.source);
    }
    const diffs = diffObjects(
      baseline.objects,
      baseline.appliedAs ? after.map((o) => appliedForm(o, baseline.appliedAs as ApplySetParent)) : after,
      redactor,
      sources,
    );
    return {
      environment,
      against: baseline.label,
      objects: diffs.map((d) => located(d, (ref) => byKey.get(refKey(ref)))),
      blocked: [],
    };
  }
  // The live diff reads the rendered objects' templates itself, beside its requests.
  const live = await liveDiff(rendered, baseline.target, baseline.scope, {
    redactor,
    ...(baseline.concurrency ? { concurrency: baseline.concurrency } : {}),
    ...(baseline.call ? { call: baseline.call } : {}),
  });
  return { environment, against: baseline.label, objects: live.objects, blocked: live.blocked };
}
