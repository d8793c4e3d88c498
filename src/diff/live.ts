import { type KubeObject, type ObjectRef, refKey, refOf } from "../core/kube/object.ts";
import type { SourceLocation } from "../core/location.ts";
import { type BlockedObject, diffObject, type ObjectDiff, sortDiffs } from "./object-diff.ts";
import type { Redactor } from "./redact.ts";

/** What a live diff needs from a cluster. The Kubernetes adapter (src/kube) implements it. */
export interface LiveCluster {
  /** One LIST of a kind in a namespace (undefined: cluster-scoped). Items carry kind/apiVersion. */
  list(apiVersion: string, kind: string, namespace: string | undefined): Promise<KubeObject[]>;
  /** Server-side apply with dryRun=All: the object as the server would store it. */
  dryRunApply(object: KubeObject): Promise<KubeObject>;
}

/** RBAC refused a request; the diff reports it per object instead of failing. */
export class ForbiddenError extends Error {
  constructor(
    readonly verb: string,
    readonly resource: string,
    message: string,
  ) {
    super(message);
    this.name = "ForbiddenError";
  }
}

/** The API server would refuse the object itself (422 invalid, immutable field, 400, 409, 500). */
export class RejectedError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "RejectedError";
  }
}

export interface LiveDiffOptions {
  readonly redactor: Redactor;
  /** Requests in flight at once (default 16). */
  readonly concurrency?: number;
  /** Which live objects belong to the environment's inventory (a removal when no longer rendered). */
  readonly inInventory?: (o: KubeObject) => boolean;
  readonly sources?: ReadonlyMap<string, SourceLocation>;
}

export interface LiveDiffResult {
  readonly objects: ObjectDiff[];
  readonly blocked: BlockedObject[];
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export const managedByFlyby = (o: KubeObject): boolean =>
  o.metadata.labels?.["app.kubernetes.io/managed-by"] === "flyby";

function blockedBy(ref: ObjectRef, e: ForbiddenError): BlockedObject {
  return { ref, reason: `cannot diff: forbidden (${e.verb}, ${e.resource})` };
}

/**
 * Diffs rendered objects against a live cluster: one LIST per kind and namespace gives the
 * "before" and the inventory; one server-side-apply dry run per existing object gives the
 * "after" (defaults and webhooks included). Objects missing on the cluster diff against nothing.
 */
export async function liveDiff(
  rendered: readonly KubeObject[],
  cluster: LiveCluster,
  options: LiveDiffOptions,
): Promise<LiveDiffResult> {
  const limit = options.concurrency ?? 16;
  const inInventory = options.inInventory ?? managedByFlyby;
  const groupKey = (o: KubeObject) => `${o.apiVersion}\u0000${o.kind}\u0000${o.metadata.namespace ?? ""}`;
  const groups = [...new Map(rendered.map((o) => [groupKey(o), o])).values()];
  const listed = new Map<string, KubeObject[] | ForbiddenError>();
  await mapLimit(groups, limit, async (o) => {
    try {
      listed.set(groupKey(o), await cluster.list(o.apiVersion, o.kind, o.metadata.namespace));
    } catch (e) {
      if (!(e instanceof ForbiddenError)) throw e;
      listed.set(groupKey(o), e);
    }
  });

  const live = new Map<string, KubeObject>();
  for (const items of listed.values()) {
    if (Array.isArray(items)) for (const o of items) live.set(refKey(refOf(o)), o);
  }
  const blocked: BlockedObject[] = [];
  const renderedKeys = new Set(rendered.map((o) => refKey(refOf(o))));
  const diffs = await mapLimit(rendered, limit, async (o): Promise<ObjectDiff | undefined> => {
    const key = refKey(refOf(o));
    const group = listed.get(groupKey(o));
    if (group instanceof ForbiddenError) {
      blocked.push(blockedBy(refOf(o), group));
      return undefined;
    }
    const before = live.get(key);
    if (!before) return diffObject(undefined, o, options.redactor, options.sources?.get(key));
    try {
      const after = await cluster.dryRunApply(o);
      return diffObject(before, after, options.redactor, options.sources?.get(key));
    } catch (e) {
      if (e instanceof ForbiddenError) blocked.push(blockedBy(refOf(o), e));
      else if (e instanceof RejectedError) {
        blocked.push({ ref: refOf(o), reason: `the API server would reject it (${e.code}): ${e.message}` });
      } else throw e;
      return undefined;
    }
  });
  const objects = diffs.filter((d): d is ObjectDiff => d !== undefined);
  for (const [key, o] of live) {
    if (!renderedKeys.has(key) && inInventory(o)) objects.push(diffObject(o, undefined, options.redactor));
  }
  return { objects: sortDiffs(objects), blocked: sortDiffs(blocked) };
}
