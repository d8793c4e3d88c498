import { Stage, stageOf } from "../core/kube/kinds.ts";
import { type ObjectRef, type RenderedObject, refKey, refOf } from "../core/kube/object.ts";
import { appliedForm, isUnchanged } from "./compare.ts";
import { deleteMembers } from "./deletions.ts";
import { classifyFailure } from "./failure.ts";
import {
  ApplySetKeys,
  appliedObjectsAnnotation,
  appliedObjectsOf,
  applySetParent,
  type InventoryRecord,
  inventoryOf,
  isMember,
  parentObject,
  unionInventory,
} from "./inventory.ts";
import { type LiveState, readLiveState } from "./live-state.ts";
import { forEachBounded } from "./pool.ts";
import type { ApplyTarget } from "./port.ts";
import { type ProgressBoard, progressBoard } from "./progress.ts";
import { formatRefusal, planPrune } from "./prune.ts";
import {
  Action,
  type ApplyReport,
  FailureKind,
  type ObjectOutcome,
  type Problem,
  type RolloutOutcome,
  RolloutState,
} from "./report.ts";
import { defaultRetryPolicy, type RetryEnv, type RetryPolicy, withRetry } from "./retry.ts";
import { type RolloutResult, waitForRollouts } from "./rollout.ts";
import { Readiness, waitedKinds } from "./wait.ts";

/** Requests in flight within a stage unless --concurrency says otherwise. */
export const defaultConcurrency = 32;

export interface ApplyRequest {
  readonly environment: string;
  /** Where the ApplySet parent lives. */
  readonly appNamespace: string;
  /** The environment's own namespaces: where members are looked for. */
  readonly namespaces: readonly string[];
  /** In apply order. */
  readonly objects: readonly RenderedObject[];
  readonly prune: boolean;
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly dryRun: boolean;
  readonly concurrency: number;
  readonly force: boolean;
  readonly allowDestructive: ReadonlySet<string>;
  /** The sha256 of the objects, recorded on the parent once every one of them is applied. */
  readonly sha256?: string;
}

export interface ApplyDeps extends RetryEnv {
  readonly policy?: RetryPolicy;
  now(): number;
  /** A line of progress, appended; rollouts go here as a log's lines unless `board` is given. */
  progress(line: string): void;
  /** Where live rollout lines go (a terminal redraws them in place). */
  readonly board?: ProgressBoard;
}

/** What the rollout of a workload came to, as the report keeps it. */
function rolloutOutcome(v: RolloutResult): RolloutOutcome {
  const state =
    v.state === Readiness.Ready
      ? RolloutState.Ready
      : v.state === Readiness.Failed
        ? RolloutState.Failed
        : RolloutState.TimedOut;
  return {
    state,
    progress: v.progress,
    ...(state !== RolloutState.Ready && v.message ? { message: v.message } : {}),
    ...(v.diagnosis ? { diagnosis: v.diagnosis } : {}),
  };
}

/** One run of `apply` against one target. Never throws for an object's failure: the report says. */
export async function applyEnvironment(
  target: ApplyTarget,
  req: ApplyRequest,
  deps: ApplyDeps,
): Promise<ApplyReport> {
  const policy = deps.policy ?? defaultRetryPolicy;
  const rolloutDeps = {
    now: deps.now,
    sleep: deps.sleep,
    scope: target.name,
    board:
      deps.board ??
      progressBoard({ tty: false, now: deps.now, write: (text) => deps.progress(text.replace(/\n$/, "")) }),
  };
  const counter = { retries: 0 };
  const call = <T>(f: () => Promise<T>) => withRetry(f, policy, deps, counter);
  const parent = applySetParent(req.environment, req.appNamespace);
  const desired = req.objects.map((r) => ({
    rendered: r,
    object: appliedForm(r.object, parent),
  }));
  const desiredObjects = desired.map((d) => d.object);
  const outcomes = new Map<string, ObjectOutcome>();
  const problems: Problem[] = [];
  const order = new Map(desiredObjects.map((o, i) => [refKey(refOf(o)), i]));
  const rank = (o: ObjectOutcome) => order.get(refKey(o.ref)) ?? order.size;
  const report = (): ApplyReport => ({
    target: target.name,
    dryRun: req.dryRun,
    // Apply order, then deletions by kind and name: the same on every run.
    objects: [...outcomes.values()].sort(
      (a, b) => rank(a) - rank(b) || refKey(a.ref).localeCompare(refKey(b.ref)),
    ),
    problems,
    requests: { retries: counter.retries },
  });
  const notAttempted = (refs: readonly ObjectRef[]) => {
    for (const ref of refs) {
      const key = refKey(ref);
      if (!outcomes.has(key)) outcomes.set(key, { ref, action: Action.NotAttempted });
    }
  };

  const rendered = inventoryOf(desiredObjects);
  let state: LiveState;
  try {
    state = await readLiveState(target, call, parent, desiredObjects, req.namespaces, req.concurrency);
  } catch (e) {
    const f = classifyFailure(e);
    problems.push({ kind: f.kind, message: `could not read the current state: ${f.message}` });
    notAttempted(desiredObjects.map(refOf));
    return report();
  }
  for (const gk of state.unlisted) {
    problems.push({
      kind: "note",
      message: `the inventory records ${gk}, whose API version is unknown: its members were not checked`,
    });
  }
  const live = state.objects;
  const recorded = state.recorded;
  let parentLive = state.parent;

  const members = [...live.values()].filter((o) => isMember(o, parent));
  const prune = req.prune ? planPrune(desiredObjects, members, req.allowDestructive) : undefined;
  if (prune && prune.refusals.length > 0) {
    for (const r of prune.refusals) problems.push({ kind: "refused", message: formatRefusal(r) });
    notAttempted(desiredObjects.map(refOf));
    return report();
  }

  const liveNamespace = (name: string) =>
    live.has(refKey({ group: "", version: "v1", kind: "Namespace", name }));
  const parentNamespaceExists = parentLive !== undefined || liveNamespace(req.appNamespace);
  let parentWritten = false;
  // Until every object is applied, the parent keeps naming the objects applied before.
  const writeParent = async (record: InventoryRecord, objectsSha256?: string): Promise<void> => {
    const next = parentObject(parent, record, objectsSha256 ?? appliedObjectsOf(parentLive));
    const current = parentLive?.metadata.annotations ?? {};
    const same = [
      ApplySetKeys.containsGroupKinds,
      ApplySetKeys.additionalNamespaces,
      appliedObjectsAnnotation,
    ].every((k) => (current[k] ?? "") === (next.metadata.annotations?.[k] ?? ""));
    if (req.dryRun || (parentLive && same)) return;
    parentLive = await call(() => target.apply(next, { force: true, dryRun: false }));
  };
  const recordBeforeWrites = unionInventory(recorded, rendered);

  const namespacesCreatedNow = new Set(
    desiredObjects
      .filter((o) => o.kind === "Namespace" && !liveNamespace(o.metadata.name))
      .map((o) => o.metadata.name),
  );
  let stopped = false;
  const stages = [...new Set(desired.map((d) => stageOf(d.object.kind)))].sort((a, b) => a - b);
  for (const stage of stages) {
    if (!parentWritten && (parentNamespaceExists || stage > Stage.Namespaces)) {
      try {
        await writeParent(recordBeforeWrites);
        parentWritten = true;
      } catch (e) {
        const f = classifyFailure(e);
        problems.push({
          kind: f.kind,
          message: `could not record the inventory in ConfigMap ${parent.namespace}/${parent.name}: ${f.message}`,
        });
        stopped = true;
      }
    }
    if (stopped) break;
    const items = desired.filter((d) => stageOf(d.object.kind) === stage);
    await forEachBounded(
      items,
      req.concurrency,
      async ({ rendered: r, object }) => {
        const ref = refOf(object);
        const key = refKey(ref);
        const current = live.get(key);
        const owner = current?.metadata.labels?.[ApplySetKeys.partOf];
        if (owner && owner !== parent.id) {
          outcomes.set(key, {
            ref,
            action: Action.Failed,
            failure: FailureKind.Conflict,
            message: `it belongs to another ApplySet (${owner}); flyby leaves it alone`,
            source: r.source,
          });
          stopped = true;
          return;
        }
        if (isUnchanged(object, current)) {
          outcomes.set(key, { ref, action: Action.Unchanged });
          return;
        }
        if (req.dryRun && ref.namespace !== undefined && namespacesCreatedNow.has(ref.namespace)) {
          // The API cannot dry-run into a namespace that does not exist yet (404).
          outcomes.set(key, {
            ref,
            action: Action.Created,
            message: `in namespace ${ref.namespace}, created by this run`,
          });
          return;
        }
        try {
          const stored = await call(() => target.apply(object, { force: req.force, dryRun: req.dryRun }));
          live.set(key, stored);
          outcomes.set(key, { ref, action: current ? Action.Configured : Action.Created });
        } catch (e) {
          const f = classifyFailure(e, r);
          outcomes.set(key, {
            ref,
            action: Action.Failed,
            failure: f.kind,
            message: f.message,
            ...(f.source ? { source: f.source } : {}),
          });
          stopped = true;
        }
      },
      () => stopped,
    );
    if (stopped) break;
    if (stage === Stage.Crds && !req.dryRun && target.watch) {
      const crds = items.map((d) => d.object);
      const results = await waitForRollouts(target, crds, deps.now() + req.timeoutMs, rolloutDeps);
      for (const [key, v] of results) {
        if (v.state !== "ready") {
          const o = outcomes.get(key);
          if (o)
            outcomes.set(key, {
              ...o,
              action: Action.Failed,
              failure: FailureKind.Environment,
              message: v.message ?? "not Established",
            });
          stopped = true;
        }
      }
      if (stopped) break;
    }
  }
  notAttempted(desiredObjects.map(refOf));
  if (stopped) {
    if (prune) notAttempted(prune.deletions);
    return report();
  }

  if (prune) {
    const deleted = await deleteMembers(target, call, prune.deletions, req);
    for (const o of deleted.outcomes) outcomes.set(refKey(o.ref), o);
    notAttempted(prune.deletions);
    if (deleted.failed) return report();
  }

  try {
    await writeParent(req.prune ? rendered : recordBeforeWrites, req.sha256);
    await target.commit?.();
  } catch (e) {
    const f = classifyFailure(e);
    problems.push({ kind: f.kind, message: `could not record the inventory: ${f.message}` });
    return report();
  }

  if (req.wait && !req.dryRun && target.watch) {
    const waited = desiredObjects.filter(
      (o) => waitedKinds.has(o.kind) && o.kind !== "CustomResourceDefinition",
    );
    const results = await waitForRollouts(target, waited, deps.now() + req.timeoutMs, rolloutDeps);
    // The action stays what apply did (created, configured, unchanged); the rollout has its own verdict.
    for (const [key, v] of results) {
      const o = outcomes.get(key);
      if (o) outcomes.set(key, { ...o, rollout: rolloutOutcome(v) });
    }
  }
  return report();
}
