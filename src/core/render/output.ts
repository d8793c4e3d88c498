import { createHash } from "node:crypto";
import { isClusterScoped } from "../kube/kinds.ts";
import type { RenderedObject } from "../kube/object.ts";
import { emitDocument, emitDocuments } from "../yaml/emit.ts";

/** The multi-document YAML `render` prints. */
export function renderToText(objects: readonly RenderedObject[]): string {
  return emitDocuments(objects.map((o) => o.object));
}

/** File systems refuse a file name longer than this many bytes. */
const maxFileNameBytes = 255;

/**
 * `<kind>-<name>.yaml`; a name too long for a file name (Kubernetes allows 253 characters) is
 * cut and followed by a hash of the whole name, so two long names still get two files.
 */
export function objectFileName(kind: string, name: string): string {
  const whole = `${kind.toLowerCase()}-${name}.yaml`;
  if (Buffer.byteLength(whole) <= maxFileNameBytes) return whole;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 12);
  let cut = name;
  const fits = () => Buffer.byteLength(`${kind.toLowerCase()}-${cut}-${hash}.yaml`) <= maxFileNameBytes;
  while (!fits()) cut = cut.slice(0, -1);
  return `${kind.toLowerCase()}-${cut}-${hash}.yaml`;
}

/** One file per object: `<namespace>/<kind>-<name>.yaml`, cluster-scoped under `_cluster/`. */
export function renderToFiles(objects: readonly RenderedObject[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const { object } of objects) {
    const folder = isClusterScoped(object.kind) ? "_cluster" : (object.metadata.namespace as string);
    files.set(`${folder}/${objectFileName(object.kind, object.metadata.name)}`, emitDocument(object));
  }
  return files;
}
