import { describeRef, type KubeObject, keyOf, type ObjectRef, refKey, refOf } from "../core/kube/object.ts";

/** Kinds whose deletion loses data or everything inside them. */
export const destructiveKinds: ReadonlySet<string> = new Set([
  "Namespace",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
]);

/** The share of the inventory one run may delete without naming each object. */
export const maxPruneShare = 0.25;

/** `KIND/NS/NAME`, or `KIND/NAME` for a cluster-scoped object: how the prune hint names it. */
export function destructiveRefOf(r: ObjectRef): string {
  return r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`;
}

/** An `--allow-destructive` value in the form `destructiveRefOf` gives; `KIND//NAME` is taken for `KIND/NAME`. */
export function parseAllowDestructive(value: string): string {
  const parts = value.split("/");
  if (parts.length === 2 && parts[0] && parts[1]) return value;
  if (parts.length === 3 && parts[0] && parts[2]) return parts[1] ? value : `${parts[0]}/${parts[2]}`;
  throw new Error(`"${value}" is not KIND/NS/NAME (or KIND/NAME for a cluster-scoped object)`);
}

export const PruneRefusal = {
  EmptyRender: "empty-render",
  TooMany: "too-many",
  Destructive: "destructive",
} as const;
export type PruneRefusal = (typeof PruneRefusal)[keyof typeof PruneRefusal];

export interface Refusal {
  readonly rule: PruneRefusal;
  readonly message: string;
  /** The objects it is about; naming each with --allow-destructive lifts it. */
  readonly refs: readonly ObjectRef[];
}

export interface PrunePlan {
  readonly deletions: readonly ObjectRef[];
  readonly refusals: readonly Refusal[];
}

/**
 * Which inventory members to delete because they are no longer rendered, and whether the
 * guards allow it. A refused plan deletes nothing.
 */
export function planPrune(
  rendered: readonly KubeObject[],
  members: readonly KubeObject[],
  allowDestructive: ReadonlySet<string>,
): PrunePlan {
  const wanted = new Set(rendered.map(keyOf));
  const deletions = members
    .map(refOf)
    .filter((r) => !wanted.has(refKey(r)))
    .sort((a, b) => refKey(a).localeCompare(refKey(b)));
  if (deletions.length === 0) return { deletions, refusals: [] };
  const allowed = (r: ObjectRef) => allowDestructive.has(destructiveRefOf(r));
  const unnamed = deletions.filter((r) => !allowed(r));
  const refusals: Refusal[] = [];
  if (rendered.length === 0 && unnamed.length > 0) {
    refusals.push({
      rule: PruneRefusal.EmptyRender,
      message: `the render is empty: pruning would delete all ${members.length} objects of the inventory`,
      refs: unnamed,
    });
  } else if (deletions.length > maxPruneShare * members.length && unnamed.length > 0) {
    refusals.push({
      rule: PruneRefusal.TooMany,
      message: `pruning would delete ${deletions.length} of ${members.length} inventory objects (more than ${maxPruneShare * 100}%)`,
      refs: unnamed,
    });
  }
  const destructive = unnamed.filter((r) => destructiveKinds.has(r.kind));
  if (destructive.length > 0) {
    refusals.push({
      rule: PruneRefusal.Destructive,
      message: `pruning would delete ${destructive.map(describeRef).join(", ")}`,
      refs: destructive,
    });
  }
  return { deletions, refusals };
}

/** One line naming the guard and the flags that would lift it. */
export function formatRefusal(r: Refusal): string {
  return `refused (${r.rule}): ${r.message}; to go ahead, name each object: ${r.refs
    .map((ref) => `--allow-destructive ${destructiveRefOf(ref)}`)
    .join(" ")}`;
}
