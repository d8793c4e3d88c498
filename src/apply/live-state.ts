import { isClusterScoped } from "../core/kube/kinds.ts";
import { type KubeObject, keyOf, type ObjectRef } from "../core/kube/object.ts";
import {
  type ApplySetParent,
  groupKindOf,
  type InventoryRecord,
  inventoryOf,
  readInventory,
  unionInventory,
} from "./inventory.ts";
import { forEachBounded } from "./pool.ts";
import { ApiFailure, type ApplyTarget, type KindRef } from "./port.ts";

/** Preferred versions of groups that may appear only in a recorded inventory. */
const preferredVersions: Readonly<Record<string, string>> = {
  "": "v1",
  apps: "v1",
  batch: "v1",
  policy: "v1",
  autoscaling: "v2",
  "networking.k8s.io": "v1",
  "rbac.authorization.k8s.io": "v1",
  "apiextensions.k8s.io": "v1",
  "monitoring.coreos.com": "v1",
};

function kindRefOf(groupKind: string, rendered: readonly KubeObject[]): KindRef | undefined {
  const seen = rendered.find((o) => groupKindOf(o) === groupKind);
  if (seen) return { apiVersion: seen.apiVersion, kind: seen.kind };
  const dot = groupKind.indexOf(".");
  const kind = dot < 0 ? groupKind : groupKind.slice(0, dot);
  const group = dot < 0 ? "" : groupKind.slice(dot + 1);
  const version = preferredVersions[group];
  if (!version) return undefined;
  return { apiVersion: group ? `${group}/${version}` : version, kind };
}

export const parentRef = (p: ApplySetParent): ObjectRef => ({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  namespace: p.namespace,
  name: p.name,
});

export interface LiveState {
  readonly parent: KubeObject | undefined;
  /** What the parent records (empty before the first apply). */
  readonly recorded: InventoryRecord;
  /** Every listed object, by refKey. */
  readonly objects: Map<string, KubeObject>;
  /** Recorded group-kinds that could not be listed. */
  readonly unlisted: readonly string[];
  /** LISTs RBAC refused, by `listScopeKey` (only when the caller tolerates them). */
  readonly forbidden: ReadonlyMap<string, ApiFailure>;
  /** The ApplySet parent's GET, when RBAC refused it (only when the caller tolerates it). */
  readonly parentRefused?: ApiFailure;
}

/** `Kind.group/namespace`: one LIST the live state is made of. */
export const listScopeKey = (
  o: { apiVersion: string; kind: string },
  namespace: string | undefined,
): string => `${groupKindOf(o)}/${namespace ?? ""}`;

const isForbidden = (e: unknown): e is ApiFailure => e instanceof ApiFailure && e.status === 403;

/** One LIST per kind and namespace of `scope` (cluster-scoped kinds once); group-kinds with no known version apart. */
function listsOf(
  scope: InventoryRecord,
  desired: readonly KubeObject[],
): { lists: { kind: KindRef; namespace: string | undefined }[]; unlisted: string[] } {
  const lists: { kind: KindRef; namespace: string | undefined }[] = [];
  const unlisted: string[] = [];
  for (const gk of scope.groupKinds) {
    const kind = kindRefOf(gk, desired);
    if (!kind) {
      unlisted.push(gk);
      continue;
    }
    for (const namespace of isClusterScoped(kind.kind) ? [undefined] : scope.namespaces) {
      lists.push({ kind, namespace });
    }
  }
  return { lists, unlisted };
}

export interface ReadOptions {
  /** Requests in flight at once. */
  readonly concurrency: number;
  /** A read-only diff records a read RBAC refuses rather than failing on it. */
  readonly tolerateForbidden?: boolean;
  /**
   * Called as each LIST has answered, with its `listScopeKey` and every object listed so far,
   * so the caller can work on that scope while the other LISTs are out. A LIST answered with
   * 404 counts as listed (nothing there); a refused one is not called for.
   */
  readonly onListed?: (scope: string, objects: ReadonlyMap<string, KubeObject>) => void;
}

/**
 * Reads what is there: the ApplySet parent, and one LIST per kind and namespace, over the kinds
 * rendered now and those the parent recorded, in the environment's and the recorded namespaces.
 * The LISTs of what is rendered go out with the parent's GET; only the scopes the parent adds
 * (kinds or namespaces no longer rendered) wait for it.
 */
export async function readLiveState(
  target: ApplyTarget,
  call: <T>(f: () => Promise<T>) => Promise<T>,
  parent: ApplySetParent,
  desired: readonly KubeObject[],
  namespaces: readonly string[],
  { concurrency, tolerateForbidden = false, onListed }: ReadOptions,
): Promise<LiveState> {
  const forbidden = new Map<string, ApiFailure>();
  const refused = (key: string) => (e: unknown) => {
    if (!tolerateForbidden || !isForbidden(e)) throw e;
    forbidden.set(key, e);
    return undefined;
  };
  const objects = new Map<string, KubeObject>();
  const listed = new Set<string>();
  const listAll = (lists: readonly { kind: KindRef; namespace: string | undefined }[]) => {
    const fresh = lists.filter(({ kind, namespace }) => {
      const key = listScopeKey(kind, namespace);
      return !listed.has(key) && listed.add(key);
    });
    return forEachBounded(fresh, concurrency, async ({ kind, namespace }) => {
      const scope = listScopeKey(kind, namespace);
      const items = await call(() => target.list(kind, namespace))
        .catch((e: unknown) => {
          if (e instanceof ApiFailure && e.status === 404) return [];
          throw e;
        })
        .catch(refused(scope));
      if (!items) return;
      for (const o of items) objects.set(keyOf(o.apiVersion ? o : { ...o, apiVersion: kind.apiVersion }), o);
      onListed?.(scope, objects);
    });
  };
  const rendered = { groupKinds: inventoryOf(desired).groupKinds, namespaces };
  let parentRefused: ApiFailure | undefined;
  const [parentRead, renderedRead] = await Promise.allSettled([
    call(() => target.get(parentRef(parent))).catch((e: unknown) => {
      if (!tolerateForbidden || !isForbidden(e)) throw e;
      parentRefused = e;
      return undefined;
    }),
    listAll(listsOf(rendered, desired).lists),
  ]);
  if (parentRead.status === "rejected") throw parentRead.reason;
  if (renderedRead.status === "rejected") throw renderedRead.reason;
  const parentLive = parentRead.value;
  const recorded = readInventory(parentLive);
  const { lists, unlisted } = listsOf(unionInventory(recorded, rendered), desired);
  await listAll(lists);
  return {
    parent: parentLive,
    recorded,
    objects,
    unlisted,
    forbidden,
    ...(parentRefused ? { parentRefused } : {}),
  };
}
