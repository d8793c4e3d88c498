import type { SourceLocation } from "../location.ts";

/** A Kubernetes object as plain data (what YAML or JSON decodes to). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** Identity of an object: group, kind, namespace and name (the API's own key). */
export interface ObjectRef {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
}

/** A rendered object and where it came from (template file and line of its first key). */
export interface RenderedObject {
  readonly object: KubeObject;
  readonly source: SourceLocation;
  /** Where a field of the object was written, when the object came from a template. */
  readonly locate?: (path: readonly (string | number)[]) => SourceLocation;
}

export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

export function refOf(o: KubeObject): ObjectRef {
  const group = groupOf(o.apiVersion);
  const version = versionOf(o.apiVersion);
  const { name, namespace } = o.metadata;
  return namespace === undefined
    ? { group, version, kind: o.kind, name }
    : { group, version, kind: o.kind, name, namespace };
}

/** `group/Kind/namespace/name`, stable across API versions of the same group. */
export function refKey(r: ObjectRef): string {
  return `${r.group}/${r.kind}/${r.namespace ?? ""}/${r.name}`;
}

/** An object's refKey, without building its ref on the way (objects are keyed by the thousand). */
export function keyOf(o: KubeObject): string {
  return `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
}

/** `Kind namespace/name` for people, e.g. `Deployment production/overflying-api`. */
export function describeRef(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`;
}

/** A Secret as the API server stores it: `stringData` folded into `data`, base64-encoded. */
export function secretAsStored(o: KubeObject): KubeObject {
  const stringData = o.stringData as Record<string, unknown> | undefined;
  if (o.kind !== "Secret" || !stringData || typeof stringData !== "object") return o;
  const data: Record<string, unknown> = { ...((o.data as Record<string, unknown> | undefined) ?? {}) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString("base64");
  const { stringData: _folded, ...rest } = o;
  return { ...rest, data } as KubeObject;
}
