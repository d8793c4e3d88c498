import { isClusterScoped } from "../kube/kinds.ts";
import type { RenderedObject } from "../kube/object.ts";
import { emitDocument, emitDocuments } from "../yaml/emit.ts";

/** The multi-document YAML `render` prints. */
export function renderToText(objects: readonly RenderedObject[]): string {
  return emitDocuments(objects.map((o) => o.object));
}

/** One file per object: `<namespace>/<kind>-<name>.yaml`, cluster-scoped under `_cluster/`. */
export function renderToFiles(objects: readonly RenderedObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const { object } of objects) {
    const folder = isClusterScoped(object.kind) ? "_cluster" : (object.metadata.namespace as string);
    files.set(`${folder}/${object.kind.toLowerCase()}-${object.metadata.name}.yaml`, emitDocument(object));
  }
  return files;
}
