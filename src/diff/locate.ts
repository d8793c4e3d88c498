import type { ObjectRef, RenderedObject } from "../core/kube/object.ts";
import type { ObjectDiff } from "./object-diff.ts";

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

/**
 * A changed object pointed at the template line of its first changed field, when its template
 * can say; `find` gives the rendered object, and is asked only for changed ones.
 */
export function located(d: ObjectDiff, find: (ref: ObjectRef) => RenderedObject | undefined): ObjectDiff {
  const first = d.paths[0];
  if (d.change !== "changed" || first === undefined) return d;
  const r = find(d.ref);
  if (!r?.locate) return d;
  return { ...d, source: r.locate(pathSegments(r.object, first)) };
}
