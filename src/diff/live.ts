import { applySetParent, groupKindOf } from "../apply/inventory.ts";
import { readLiveState } from "../apply/live-state.ts";
import { forEachBounded, LaterWork, mapBeside } from "../apply/pool.ts";
import { ApiFailure, type ApplyTarget } from "../apply/port.ts";
import { environmentSecretRefs } from "../apply/secrets.ts";
import { EnvironmentError } from "../core/errors.ts";
import { type KubeObject, type RenderedObject, refKey } from "../core/kube/object.ts";
import { located } from "./locate.ts";
import {
  type BlockedObject,
  diffObject,
  type FieldConflict,
  type ObjectDiff,
  sortDiffs,
} from "./object-diff.ts";
import type { Redactor } from "./redact.ts";
import { SortingOut, sentOf, type ToDryRun } from "./sort-out.ts";

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

/**
 * Reads the live state and sorts each rendered object out (see SortingOut). The reads go out
 * on the rendered objects' kinds while the applied forms are worked out, and each object is
 * sorted out as soon as its LIST has answered, at a later turn so no request waits for it. The
 * live state ends here: the dry runs hold only the live objects of what they dry-run.
 */
async function readAndSortOut(
  rendered: readonly RenderedObject[],
  target: ApplyTarget,
  scope: LiveScope,
  call: <T>(f: () => Promise<T>) => Promise<T>,
  limit: number,
  redactor: Redactor,
): Promise<SortingOut> {
  const parent = applySetParent(scope.environment, scope.appNamespace);
  const objects = rendered.map((r) => r.object);
  const sorting = new SortingOut(parent, redactor);
  const sortsLater = new LaterWork();
  const [state] = await Promise.all([
    readLiveState(target, call, parent, objects, scope.namespaces, {
      concurrency: limit,
      tolerateForbidden: true,
      onListed: (listed, live) => sortsLater.add(() => sorting.listed(listed, live)),
    }).catch((e: unknown) => {
      throw environmentFailure(target, e);
    }),
    mapBeside(rendered, (r) => sentOf(r, parent)).then((sent) => sorting.formsReady(sent)),
  ]);
  await sortsLater.done();
  // Apply also writes the Secrets it builds from the job's environment; the diff has no values
  // for them, so it neither compares them nor calls them removals.
  sorting.finish(state, environmentSecretRefs(objects).map(refKey));
  return sorting;
}

/**
 * Diffs rendered objects against a live cluster the way apply would change it:
 * - each object is sent in the form apply sends (ApplySet label, applied hash);
 * - the live state is the ApplySet's: its parent, then one LIST per kind and namespace, and a
 *   removal is a member of this environment's set that is no longer rendered;
 * - an object whose live state already holds what apply would send (same applied hash, every
 *   field flyby manages unchanged) needs no request; the others are dry-run without force,
 *   and a conflict with another field manager is reported, then dry-run forced to show what
 *   `--force-conflicts` would do;
 * - a changed object points at the template line of its first changed field.
 * The work on the client (the applied forms, each dry run's diff) is done while requests are
 * out, not between them.
 */
export async function liveDiff(
  rendered: readonly RenderedObject[],
  target: ApplyTarget,
  scope: LiveScope,
  options: LiveDiffOptions,
): Promise<LiveDiffResult> {
  const limit = options.concurrency ?? 16;
  const call = options.call ?? (<T>(f: () => Promise<T>) => f());
  const sorting = await readAndSortOut(rendered, target, scope, call, limit, options.redactor);
  const { blocked, toDryRun } = sorting;
  const diffs = sorting.objects;
  let failed = false;
  // Each answer is diffed at a later turn, once its lane has sent the next dry run: no request
  // waits for a diff. Once the cluster has failed, answers still coming in are not diffed.
  const diffsLater = new LaterWork();
  const diffLater = ({ sent: s, live }: ToDryRun, merged: KubeObject, conflict?: ApiFailure) => {
    if (failed) return;
    diffsLater.add(() => {
      const d = located(diffObject(live, merged, options.redactor, s.rendered.source), () => s.rendered);
      diffs.push(conflict ? { ...d, conflicts: conflictsOf(conflict), risks: ["conflict", ...d.risks] } : d);
    });
  };
  const dryRun = async (item: ToDryRun) => {
    const send = (force: boolean) => call(() => target.apply(item.sent.object, { force, dryRun: true }));
    try {
      try {
        diffLater(item, await send(false));
      } catch (e) {
        if (!isConflict(e)) throw e;
        diffLater(item, await send(true), e);
      }
    } catch (e) {
      const reason = blockedReason(e, item.sent.object, "patch");
      if (reason === undefined) {
        failed = true;
        throw environmentFailure(target, e);
      }
      blocked.push({ ref: item.sent.ref, reason });
    }
  };
  // Once the cluster has failed, no more dry runs go out: the diff ends with that failure.
  await forEachBounded(toDryRun, limit, dryRun, () => failed);
  await diffsLater.done();
  return { objects: sortDiffs(diffs), blocked: sortDiffs(blocked) };
}
