import { elementKey, isAtomicMap, isIdentityField, isObj, listTypeOf, type Obj } from "./schema.ts";

/** A FieldsV1 set: `f:name`, `k:{...}` and `v:...` children; `.` marks the node itself. */
export interface FieldSet {
  [element: string]: FieldSet;
}

/** Free-form maps whose creation by an update is recorded as a `.` entry. */
const dottedWhenCreated = new Set([
  "labels",
  "annotations",
  "data",
  "binaryData",
  "stringData",
  "limits",
  "requests",
  "resources",
  "nodeSelector",
]);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The fields an applied configuration sets: what its manager will own. */
export function appliedFields(obj: Obj, kind: string, names: string[] = []): FieldSet {
  const set: FieldSet = {};
  for (const [k, v] of Object.entries(obj)) {
    const path = [...names, k];
    if (isIdentityField(path) || (path.length === 1 && k === "status")) continue;
    const child = valueFields(v, path, kind);
    if (path.length === 1 && k === "metadata" && Object.keys(child).length === 0) continue;
    set[`f:${k}`] = child;
  }
  return set;
}

function valueFields(v: unknown, names: string[], kind: string): FieldSet {
  if (isObj(v)) return isAtomicMap(names, kind) ? {} : appliedFields(v, kind, names);
  if (!Array.isArray(v)) return {};
  const lt = listTypeOf(names, kind);
  const set: FieldSet = {};
  if (lt.type === "map") {
    for (const el of v) {
      if (isObj(el)) set[elementKey(el, lt.keys)] = { ".": {}, ...appliedFields(el, kind, names) };
    }
  } else if (lt.type === "set") {
    for (const el of v) set[`v:${JSON.stringify(el)}`] = {};
  }
  return set;
}

/** The fields an update (POST, PUT, a controller's write) changed between two versions. */
export function changedFields(
  before: Obj | undefined,
  after: Obj,
  kind: string,
  names: string[] = [],
): FieldSet {
  const set: FieldSet = {};
  for (const [k, v] of Object.entries(after)) {
    const path = [...names, k];
    // A null is owned like any value (lastProbeTime in 76), except the zero creationTimestamp.
    if (isIdentityField(path) || (v === null && k === "creationTimestamp")) continue;
    const old = before?.[k];
    if (deepEqual(old, v)) continue;
    const created = old === undefined;
    let child: FieldSet;
    if (isObj(v) && !isAtomicMap(path, kind)) {
      child = changedFields(isObj(old) ? old : undefined, v, kind, path);
      if (created && dottedWhenCreated.has(k)) child = { ".": {}, ...child };
    } else if (Array.isArray(v) && listTypeOf(path, kind).type !== "atomic") {
      child = changedListFields(Array.isArray(old) ? old : [], v, path, kind);
      if (created) child = { ".": {}, ...child };
    } else {
      child = {};
    }
    if (path.length === 1 && k === "metadata" && Object.keys(child).length === 0) continue;
    set[`f:${k}`] = child;
  }
  return set;
}

function changedListFields(before: unknown[], after: unknown[], names: string[], kind: string): FieldSet {
  const lt = listTypeOf(names, kind);
  const set: FieldSet = {};
  if (lt.type === "set") {
    for (const el of after) if (!before.some((b) => deepEqual(b, el))) set[`v:${JSON.stringify(el)}`] = {};
    return set;
  }
  if (lt.type !== "map") return set;
  for (const el of after) {
    if (!isObj(el)) continue;
    const key = elementKey(el, lt.keys);
    const old = before.find((b) => isObj(b) && elementKey(b, lt.keys) === key) as Obj | undefined;
    if (deepEqual(old, el)) continue;
    const child = changedFields(old, el, kind, names);
    set[key] = old ? child : { ".": {}, ...child };
  }
  return set;
}

/** Every owned path: leaves, and `.`-terminated paths for nodes owned as such. */
export function leafPaths(set: FieldSet, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [k, child] of Object.entries(set)) {
    if (k === ".") {
      out.push([...prefix, "."]);
      continue;
    }
    if (Object.keys(child).length === 0) out.push([...prefix, k]);
    else out.push(...leafPaths(child, [...prefix, k]));
  }
  return out;
}

export function hasPath(set: FieldSet, path: readonly string[]): boolean {
  let node: FieldSet | undefined = set;
  for (const el of path) {
    node = node[el];
    if (!node) return false;
  }
  return true;
}

export function fromPaths(paths: readonly string[][]): FieldSet {
  const set: FieldSet = {};
  for (const path of paths) {
    let node = set;
    for (const el of path) {
      node[el] ??= {};
      node = node[el] as FieldSet;
    }
  }
  return set;
}

export function union(a: FieldSet, b: FieldSet): FieldSet {
  return fromPaths([...leafPaths(a), ...leafPaths(b)]);
}

export function without(set: FieldSet, remove: readonly string[][]): FieldSet {
  const drop = new Set(remove.map((p) => p.join("\u0000")));
  return fromPaths(leafPaths(set).filter((p) => !drop.has(p.join("\u0000"))));
}

/** Paths as the API prints them in conflicts: `.spec.replicas`, `.spec.containers[name="web"]`. */
export function describePath(path: readonly string[]): string {
  return path
    .filter((el) => el !== ".")
    .map((el) => {
      if (el.startsWith("f:")) return `.${el.slice(2)}`;
      if (el.startsWith("k:")) {
        const key = JSON.parse(el.slice(2)) as Obj;
        return `[${Object.entries(key)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(",")}]`;
      }
      return `[${el.slice(2)}]`;
    })
    .join("");
}

type Found = { readonly found: true; readonly value: unknown } | { readonly found: false };

/** The value at a field path, or not found. */
export function valueAt(obj: unknown, path: readonly string[]): Found {
  let node: unknown = obj;
  for (const el of path) {
    if (el === ".") break;
    if (el.startsWith("f:")) {
      if (!isObj(node) || !(el.slice(2) in node)) return { found: false };
      node = node[el.slice(2)];
    } else if (Array.isArray(node)) {
      const match = findElement(node, el);
      if (match < 0) return { found: false };
      node = node[match];
    } else {
      return { found: false };
    }
  }
  return { found: true, value: node };
}

function findElement(list: unknown[], el: string): number {
  if (el.startsWith("v:")) {
    const v = JSON.parse(el.slice(2));
    return list.findIndex((x) => deepEqual(x, v));
  }
  const key = JSON.parse(el.slice(2)) as Obj;
  const keys = Object.keys(key);
  return list.findIndex((x) => isObj(x) && elementKey(x, keys) === el);
}

/** Removes the value at a path; a `.` path removes the list element or map it ends in. */
export function deleteAt(obj: Obj, path: readonly string[]): void {
  const last = path.at(-1) === "." ? path.length - 2 : path.length - 1;
  const parent = valueAt(obj, path.slice(0, last));
  const el = path[last];
  if (!parent.found || el === undefined) return;
  if (el.startsWith("f:") && isObj(parent.value)) delete parent.value[el.slice(2)];
  else if (Array.isArray(parent.value)) {
    const i = findElement(parent.value, el);
    if (i >= 0) parent.value.splice(i, 1);
  }
}

/** Merges an applied configuration into the live object (maps by key, list-maps by element key). */
export function mergeApplied(live: unknown, applied: unknown, kind: string, names: string[] = []): unknown {
  if (isObj(applied) && isObj(live) && !isAtomicMap(names, kind)) {
    const out: Obj = { ...live };
    for (const [k, v] of Object.entries(applied)) out[k] = mergeApplied(live[k], v, kind, [...names, k]);
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const lt = listTypeOf(names, kind);
    if (lt.type === "map") {
      const out = [...live];
      for (const el of applied) {
        if (!isObj(el)) continue;
        const key = elementKey(el, lt.keys);
        const i = out.findIndex((x) => isObj(x) && elementKey(x, lt.keys) === key);
        if (i < 0) out.push(structuredClone(el));
        else out[i] = mergeApplied(out[i], el, kind, names);
      }
      return out;
    }
    if (lt.type === "set") return [...live, ...applied.filter((x) => !live.some((y) => deepEqual(x, y)))];
  }
  return structuredClone(applied);
}
