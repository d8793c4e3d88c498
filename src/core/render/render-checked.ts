import { InputError } from "../errors.ts";
import type { RenderedObject } from "../kube/object.ts";
import { formatLocation } from "../location.ts";
import type { ManifestTree } from "../manifests/tree.ts";
import { duplicateObjects } from "../validate/policies/duplicates.ts";
import { type RenderResult, renderEnvironment } from "./render.ts";

/**
 * Refuses objects that cannot be applied as one set: two objects with the same group, kind,
 * namespace and name.
 */
export function refuseDuplicates(objects: readonly RenderedObject[]): void {
  const [dup] = duplicateObjects(objects);
  if (dup) {
    throw new InputError(
      `${dup.message}${dup.hint ? `; ${dup.hint}` : ""}`,
      dup.location ?? { file: formatLocation({ file: "manifests" }) },
    );
  }
}

/** Renders and refuses output that cannot be applied as one set (see refuseDuplicates). */
export function renderChecked(tree: ManifestTree, env: string): RenderResult {
  const result = renderEnvironment(tree, env);
  refuseDuplicates(result.objects);
  return result;
}
