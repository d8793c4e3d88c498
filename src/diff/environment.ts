import { appliedForm } from "../apply/compare.ts";
import type { ApplySetParent } from "../apply/inventory.ts";
import type { ApplyTarget } from "../apply/port.ts";
import { type KubeObject, keyOf, type RenderedObject, refKey } from "../core/kube/object.ts";
import { type LiveDiffOptions, type LiveScope, liveDiff } from "./live.ts";
import { diffObjects, type ObjectDiff } from "./object-diff.ts";
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

/** `spec.containers[name=api].image` as the segments of the rendered object: spec, containers, 0, image. */
export function pathSegments(object: unknown, path: string): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = object;
  for (const [, field, name, index] of path.matchAll(/([^.[\]]+)|\[name=([^\]]*)\]|\[(\d+)\]/g)) {
    let seg: string | number;
    if (field !== undefined) seg = field;
    else if (index !== undefined) seg = Number(index);
    else {
      const i = Array.isArray(node) ? node.findIndex((x) => (x as { name?: string })?.name === name) : -1;
      if (i < 0) break;
      seg = i;
    }
    out.push(seg);
    node = (node as Record<string | number, unknown> | undefined)?.[seg];
  }
  return out;
}

/** Points each changed object at the template line of its first changed field. */
function locateChanges(diffs: ObjectDiff[], byKey: ReadonlyMap<string, RenderedObject>): ObjectDiff[] {
  return diffs.map((d) => {
    const first = d.paths[0];
    if (d.change !== "changed" || first === undefined) return d;
    const r = byKey.get(refKey(d.ref));
    if (!r?.locate) return d;
    return { ...d, source: r.locate(pathSegments(r.object, first)) };
  });
}

export async function diffEnvironment(
  environment: string,
  rendered: readonly RenderedObject[],
  baseline: Baseline,
  redactor: Redactor,
): Promise<EnvironmentDiff> {
  const after = rendered.map((r) => r.object);
  const byKey = new Map<string, RenderedObject>();
  const sources = new Map<string, RenderedObject["source"]>();
  for (const r of rendered) {
    const key = keyOf(r.object);
    byKey.set(key, r);
    sources.set(key, r.source);
  }
  if (baseline.type === "objects") {
    return {
      environment,
      against: baseline.label,
      objects: locateChanges(
        diffObjects(
          baseline.objects,
          baseline.appliedAs ? after.map((o) => appliedForm(o, baseline.appliedAs as ApplySetParent)) : after,
          redactor,
          sources,
        ),
        byKey,
      ),
      blocked: [],
    };
  }
  const live = await liveDiff(after, baseline.target, baseline.scope, {
    redactor,
    sources,
    ...(baseline.concurrency ? { concurrency: baseline.concurrency } : {}),
    ...(baseline.call ? { call: baseline.call } : {}),
  });
  return {
    environment,
    against: baseline.label,
    objects: locateChanges(live.objects, byKey),
    blocked: live.blocked,
  };
}
