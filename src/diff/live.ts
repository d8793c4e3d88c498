import { appliedForm, isUnchanged } from "../apply/compare.ts";
import {
  ApplySetKeys,
  type ApplySetParent,
  applySetParent,
  groupKindOf,
  isMember,
} from "../apply/inventory.ts";
import { type LiveState, listScopeKey, readLiveState } from "../apply/live-state.ts";
import { forEachBounded } from "../apply/pool.ts";
import { ApiFailure, type ApplyTarget } from "../apply/port.ts";
import { environmentSecretRefs } from "../apply/secrets.ts";
import { EnvironmentError } from "../core/errors.ts";
import { type KubeObject, type ObjectRef, refKey, refOf } from "../core/kube/object.ts";
import type { SourceLocation } from "../core/location.ts";
import {
  type BlockedObject,
  diffObject,
  type FieldConflict,
  type ObjectDiff,
  sortDiffs,
} from "./object-diff.ts";
import type { Redactor } from "./redact.ts";

/** The environment whose ApplySet the live diff reads: the same parent apply writes. */
export interface LiveScope {
  readonly environment: string;
  /** Where the ApplySet parent lives. */
  readonly appNamespace: string;
  /** The environment's own namespaces. */
  readonly namespaces: readonly string[];
}

export interface LiveDiffOptions {
  readonly redactor: Redactor;
  /** Requests in flight at once (default 16). */
  readonly concurrency?: number;
  readonly sources?: ReadonlyMap<string, SourceLocation>;
  /** Wraps every request, e.g. to retry 429/5xx (default: one try). */
  readonly call?: <T>(f: () => Promise<T>) => Promise<T>;
}

export interface LiveDiffResult {
  readonly objects: ObjectDiff[];
  readonly blocked: BlockedObject[];
}

/** `conflict with "other"` → `other`. */
function managerOf(message: string | undefined): string {
  return /conflict with "([^"]*)"/.exec(message ?? "")?.[1] ?? "another manager";
}

function conflictsOf(e: ApiFailure): FieldConflict[] {
  return (e.details.causes ?? [])
    .filter((c) => c.reason === "FieldManagerConflict" || c.field)
    .map((c) => ({ manager: managerOf(c.message), field: c.field ?? "?" }));
}

const isConflict = (e: unknown): e is ApiFailure =>
  e instanceof ApiFailure && e.status === 409 && e.reason === "Conflict";

/** Per-object answers that make a row rather than fail the whole diff. */
function blockedReason(e: unknown, o: KubeObject, verb: string): string | undefined {
  if (!(e instanceof ApiFailure)) return undefined;
  if (e.status === 403) return `cannot diff: forbidden (${verb}, ${groupKindOf(o)})`;
  if ([400, 404, 409, 415, 422, 500].includes(e.status)) {
    // An error about a Secret may quote the value it rejected: keep only the reason.
    const message = o.kind === "Secret" ? e.reason || "rejected" : e.message;
    return `the API server would reject it (${e.status}): ${message}`;
  }
  return undefined;
}

function environmentFailure(target: ApplyTarget, e: unknown): EnvironmentError {
  if (e instanceof EnvironmentError) return e;
  const detail =
    e instanceof ApiFailure
      ? `${e.status}${e.reason ? ` ${e.reason}` : ""}: ${e.message}`
      : e instanceof Error
        ? e.message
        : String(e);
  return new EnvironmentError(`cannot diff against ${target.name}: ${detail}`, { cause: e });
}

/** What the live diff has to do for each rendered object, sorted out before any dry run. */
interface SortedOut {
  readonly objects: ObjectDiff[];
  readonly blocked: BlockedObject[];
  /** Objects apply would change, with what is live of each: only these need a request. */
  readonly toDryRun: { o: KubeObject; live: KubeObject; source: SourceLocation | undefined }[];
}

/**
 * Each object as added, unchanged, blocked or to dry-run, and the ApplySet's members no longer
 * rendered as removals. The live state is read here only, so none of it is held during the dry runs.
 */
function sortOut(
  desired: readonly KubeObject[],
  state: LiveState,
  parent: ApplySetParent,
  secretRefs: readonly ObjectRef[],
  options: LiveDiffOptions,
): SortedOut {
  const blocked: BlockedObject[] = [];
  const objects: ObjectDiff[] = [];
  const toDryRun: SortedOut["toDryRun"] = [];
  // Apply also writes the Secrets it builds from the job's environment; the diff has no values
  // for them, so it neither compares them nor calls them removals.
  const kept = new Set(secretRefs.map(refKey));
  for (const o of desired) {
    const ref = refOf(o);
    const key = refKey(ref);
    kept.add(key);
    const source = options.sources?.get(key);
    if (state.forbidden.size > 0 && state.forbidden.has(listScopeKey(o, o.metadata.namespace))) {
      blocked.push({ ref, reason: `cannot diff: forbidden (list, ${groupKindOf(o)})` });
      continue;
    }
    const live = state.objects.get(key);
    if (!live) {
      objects.push(diffObject(undefined, o, options.redactor, source));
      continue;
    }
    const owner = live.metadata.labels?.[ApplySetKeys.partOf];
    if (owner && owner !== parent.id) {
      blocked.push({ ref, reason: `it belongs to another ApplySet (${owner}); apply leaves it alone` });
      continue;
    }
    // Nothing to compute: apply would change nothing, so neither would its dry run.
    if (isUnchanged(o, live))
      objects.push({
        ref,
        change: "unchanged",
        paths: [],
        diff: "",
        risks: [],
        ...(source ? { source } : {}),
      });
    else toDryRun.push({ o, live, source });
  }
  for (const [key, o] of state.objects) {
    if (!kept.has(key) && isMember(o, parent)) objects.push(diffObject(o, undefined, options.redactor));
  }
  return { objects, blocked, toDryRun };
}

/**
 * Diffs rendered objects against a live cluster the way apply would change it:
 * - each object is sent in the form apply sends (ApplySet label, applied hash);
 * - the live state is the ApplySet's: its parent, then one LIST per kind and namespace, and a
 *   removal is a member of this environment's set that is no longer rendered;
 * - an object whose live state already holds what apply would send (same applied hash, every
 *   field flyby manages unchanged) needs no request; the others are dry-run without force,
 *   and a conflict with another field manager is reported, then dry-run forced to show what
 *   `--force-conflicts` would do.
 */
export async function liveDiff(
  rendered: readonly KubeObject[],
  target: ApplyTarget,
  scope: LiveScope,
  options: LiveDiffOptions,
): Promise<LiveDiffResult> {
  const limit = options.concurrency ?? 16;
  const call = options.call ?? (<T>(f: () => Promise<T>) => f());
  const parent = applySetParent(scope.environment, scope.appNamespace);
  const desired = rendered.map((o) => appliedForm(o, parent));
  const { objects, blocked, toDryRun } = sortOut(
    desired,
    await readLiveState(target, call, parent, desired, scope.namespaces, limit, true).catch((e: unknown) => {
      throw environmentFailure(target, e);
    }),
    parent,
    environmentSecretRefs(rendered),
    options,
  );
  let failed = false;
  // What each dry run answered, diffed once they all have: the diffs are pure work, and in one
  // pass after the requests they cost less than squeezed between the answers.
  const answered: { live: KubeObject; merged: KubeObject; source?: SourceLocation; conflict?: ApiFailure }[] =
    [];
  const dryRun = async ({ o, live, source }: (typeof toDryRun)[number]) => {
    const send = (force: boolean) => call(() => target.apply(o, { force, dryRun: true }));
    try {
      try {
        answered.push({ live, merged: await send(false), source });
      } catch (e) {
        if (!isConflict(e)) throw e;
        answered.push({ live, merged: await send(true), source, conflict: e });
      }
    } catch (e) {
      const reason = blockedReason(e, o, "patch");
      if (reason === undefined) {
        failed = true;
        throw environmentFailure(target, e);
      }
      blocked.push({ ref: refOf(o), reason });
    }
  };
  // Once the cluster has failed, no more dry runs go out: the diff ends with that failure.
  await forEachBounded(toDryRun, limit, dryRun, () => failed);
  for (const { live, merged, source, conflict } of answered) {
    const d = diffObject(live, merged, options.redactor, source);
    objects.push(conflict ? { ...d, conflicts: conflictsOf(conflict), risks: ["conflict", ...d.risks] } : d);
  }
  return { objects: sortDiffs(objects), blocked: sortDiffs(blocked) };
}
