import { type KubeObject, keyOf, type ObjectRef, refOf } from "../core/kube/object.ts";
import type { SourceLocation } from "../core/location.ts";
import { emitDocument } from "../core/yaml/emit.ts";
import { normalizeObject } from "./normalize.ts";
import type { Redactor } from "./redact.ts";
import { unifiedDiff } from "./unified.ts";

type Obj = Record<string, unknown>;

export const changeTypes = ["added", "changed", "removed", "unchanged"] as const;
export type ChangeType = (typeof changeTypes)[number];

/** What makes a change worth a reviewer's second look, in report order. */
export const riskKinds = [
  "conflict",
  "deletion",
  "rbac",
  "crd",
  "image",
  "secret",
  "storage",
  "load-balancer",
] as const;
export type RiskKind = (typeof riskKinds)[number];

export interface SecretKeyChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly changed: readonly string[];
}

/** A field another manager owns, which apply would refuse to change without --force-conflicts. */
export interface FieldConflict {
  readonly manager: string;
  /** As the API server names it, e.g. `.spec.replicas`. */
  readonly field: string;
}

export interface ObjectDiff {
  readonly ref: ObjectRef;
  readonly change: ChangeType;
  /** Changed field paths, e.g. `spec.template.spec.containers[name=api].image`. */
  readonly paths: readonly string[];
  /** Unified diff of the normalized, redacted YAML ("" when unchanged). */
  readonly diff: string;
  readonly risks: readonly RiskKind[];
  readonly secretKeys?: SecretKeyChanges;
  readonly source?: SourceLocation;
  /** Set when a dry run without force conflicted; `diff` then shows what forcing would do. */
  readonly conflicts?: readonly FieldConflict[];
}

/** An object the diff could not compute, e.g. `cannot diff: forbidden (patch, deployments)`. */
export interface BlockedObject {
  readonly ref: ObjectRef;
  readonly reason: string;
}

const rbacKinds = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);
const storageKinds = new Set(["PersistentVolumeClaim", "PersistentVolume", "StorageClass"]);

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function equal(a: unknown, b: unknown): boolean {
  return Bun.deepEquals(a, b, true);
}

/**
 * Field paths where two values differ; list elements with a `name` are addressed by it. Maps and
 * lists are walked, never compared whole first: a walk of equal values finds no path anyway.
 */
export function changedPaths(a: unknown, b: unknown, prefix = ""): string[] {
  const out: string[] = [];
  collectChanges(a, b, prefix, out);
  return out;
}

// A path is built only where the two sides differ: most of an object is the same on both.
function collectChanges(a: unknown, b: unknown, prefix: string, out: string[]): void {
  if (a === b) return;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    if (!equal(a, b)) out.push(prefix);
    return;
  }
  const join = (k: string) => (prefix ? `${prefix}.${k}` : k);
  if (isObj(a) && isObj(b)) {
    const keys = Object.keys(a);
    for (const k of Object.keys(b)) if (!Object.hasOwn(a, k)) keys.push(k);
    // Paths come out in key order, but only the keys that hold a change are sorted: most hold none.
    const start = out.length;
    const found: { key: string; paths: string[] }[] = [];
    for (const k of keys) {
      if (a[k] === b[k]) continue;
      const before = out.length;
      collectChanges(a[k], b[k], join(k), out);
      if (out.length > before) found.push({ key: k, paths: out.slice(before) });
    }
    if (found.length > 1) {
      out.length = start;
      for (const f of found.sort((x, y) => (x.key < y.key ? -1 : 1))) out.push(...f.paths);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (l: unknown[]) => l.every((x) => isObj(x) && typeof x.name === "string");
    if (named(a) && named(b)) {
      const byName = (l: unknown[]) => new Map(l.map((x) => [(x as Obj).name as string, x]));
      const ma = byName(a);
      const mb = byName(b);
      for (const n of new Set([...ma.keys(), ...mb.keys()]))
        collectChanges(ma.get(n), mb.get(n), `${prefix}[name=${n}]`, out);
      return;
    }
    if (a.length === b.length) {
      for (let i = 0; i < a.length; i++) collectChanges(a[i], b[i], `${prefix}[${i}]`, out);
      return;
    }
  }
  out.push(prefix);
}

function secretKeyChanges(before: Obj | undefined, after: Obj | undefined): SecretKeyChanges {
  const b = (before?.data ?? {}) as Obj;
  const a = (after?.data ?? {}) as Obj;
  return {
    added: Object.keys(a)
      .filter((k) => !(k in b))
      .sort(),
    removed: Object.keys(b)
      .filter((k) => !(k in a))
      .sort(),
    changed: Object.keys(a)
      .filter((k) => k in b && a[k] !== b[k])
      .sort(),
  };
}

function risksOf(
  kind: string,
  change: ChangeType,
  paths: readonly string[],
  before?: Obj,
  after?: Obj,
): RiskKind[] {
  if (change === "unchanged") return [];
  const risks = new Set<RiskKind>();
  if (change === "removed") risks.add("deletion");
  if (rbacKinds.has(kind)) risks.add("rbac");
  if (kind === "CustomResourceDefinition") risks.add("crd");
  if (change === "changed" && paths.some((p) => /(^|\.)image$/.test(p))) risks.add("image");
  if (kind === "Secret") risks.add("secret");
  if (storageKinds.has(kind) || paths.some((p) => p.includes("volumeClaimTemplates"))) risks.add("storage");
  const typeOf = (o?: Obj) => (o?.spec as Obj | undefined)?.type;
  if (kind === "Service" && typeOf(after) === "LoadBalancer" && typeOf(before) !== "LoadBalancer") {
    risks.add("load-balancer");
  }
  return riskKinds.filter((r) => risks.has(r));
}

/** Diff of one object; either side may be missing (added, removed). */
export function diffObject(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
  redactor: Redactor,
  source?: SourceLocation,
): ObjectDiff {
  const either = (after ?? before) as KubeObject;
  const ref = refOf(either);
  const nb = before ? normalizeObject(before) : undefined;
  const na = after ? normalizeObject(after) : undefined;
  const change: ChangeType = !nb ? "added" : !na ? "removed" : equal(nb, na) ? "unchanged" : "changed";
  const paths = change === "changed" ? changedPaths(nb, na) : [];
  // The text a diff is computed on: render's canonical YAML, multi-line strings as literal blocks.
  const text = (o?: KubeObject) => (o ? emitDocument(redactor.object(o)) : "");
  const diff = change === "unchanged" ? "" : unifiedDiff(text(nb), text(na));
  const risks = risksOf(either.kind, change, paths, nb as Obj | undefined, na as Obj | undefined);
  return {
    ref,
    change,
    paths,
    diff,
    risks,
    ...(either.kind === "Secret" && change !== "unchanged"
      ? { secretKeys: secretKeyChanges(nb as Obj | undefined, na as Obj | undefined) }
      : {}),
    ...(source ? { source } : {}),
  };
}

/**
 * Matches objects by group, kind, namespace and name and diffs each pair. Objects only in
 * `before` are removals (the inventory no longer renders them).
 */
export function diffObjects(
  before: readonly KubeObject[],
  after: readonly KubeObject[],
  redactor: Redactor,
  sources: ReadonlyMap<string, SourceLocation> = new Map(),
): ObjectDiff[] {
  const old = new Map(before.map((o) => [keyOf(o), o]));
  const out: ObjectDiff[] = [];
  const seen = new Set<string>();
  for (const o of after) {
    const key = keyOf(o);
    seen.add(key);
    out.push(diffObject(old.get(key), o, redactor, sources.get(key)));
  }
  for (const [key, o] of old) if (!seen.has(key)) out.push(diffObject(o, undefined, redactor));
  return sortDiffs(out);
}

export function sortDiffs<T extends { ref: ObjectRef }>(diffs: T[]): T[] {
  return diffs.sort((a, b) => compareRefs(a.ref, b.ref));
}

export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return (
    a.kind.localeCompare(b.kind) ||
    (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
    a.name.localeCompare(b.name) ||
    a.group.localeCompare(b.group)
  );
}
