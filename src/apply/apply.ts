import { Stage, stageOf } from "../core/kube/kinds.ts";
import {
  type KubeObject,
  keyOf,
  type ObjectRef,
  type RenderedObject,
  refKey,
  refOf,
} from "../core/kube/object.ts";
import { appliedForm, isUnchanged } from "./compare.ts";
import { deleteMembers } from "./deletions.ts";
import { classifyFailure } from "./failure.ts";
import {
  ApplySetKeys,
  type ApplySetParent,
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
import { formatRefusal, type PrunePlan, planPrune } from "./prune.ts";
import {
  Action,
  type ApplyReport,
  FailureKind,
  type ObjectOutcome,
  type RolloutOutcome,
  RolloutState,
  type RunProblem,
} from "./report.ts";
import { defaultRetryPolicy, type RetryCount, type RetryEnv, type RetryPolicy, withRetry } from "./retry.ts";
import { type RolloutDeps, type RolloutResult, waitForRollouts } from "./rollout.ts";
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

/** An object to apply: as rendered (for its template location) and in the form apply sends. */
interface Desired {
  readonly rendered: RenderedObject;
  readonly object: KubeObject;
}

/** What one run carries from stage to stage; the outcomes and problems become the report. */
interface ApplyRun {
  readonly target: ApplyTarget;
  readonly req: ApplyRequest;
  readonly deps: ApplyDeps;
  readonly rolloutDeps: RolloutDeps;
  readonly counter: RetryCount;
  /** Every request goes through the retry policy. */
  call<T>(f: () => Promise<T>): Promise<T>;
  readonly parent: ApplySetParent;
  /** In apply order. */
  readonly desired: readonly Desired[];
  /** The objects of `desired`, as apply sends them. */
  readonly objects: readonly KubeObject[];
  readonly outcomes: Map<string, ObjectOutcome>;
  readonly problems: RunProblem[];
}

function startRun(target: ApplyTarget, req: ApplyRequest, deps: ApplyDeps): ApplyRun {
  const policy = deps.policy ?? defaultRetryPolicy;
  const counter = { retries: 0 };
  const parent = applySetParent(req.environment, req.appNamespace);
  const desired = req.objects.map((r) => ({ rendered: r, object: appliedForm(r.object, parent) }));
  return {
    target,
    req,
    deps,
    rolloutDeps: {
      now: deps.now,
      sleep: deps.sleep,
      scope: target.name,
      board:
        deps.board ??
        progressBoard({ tty: false, now: deps.now, write: (text) => deps.progress(text.replace(/\n$/, "")) }),
    },
    counter,
    call: (f) => withRetry(f, policy, deps, counter),
    parent,
    desired,
    objects: desired.map((d) => d.object),
    outcomes: new Map(),
    problems: [],
  };
}

/** The report of the run so far: apply order, then deletions by kind and name, the same on every run. */
function reportOf(run: ApplyRun): ApplyReport {
  const order = new Map(run.desired.map((d, i) => [keyOf(d.object), i]));
  // Outcomes are kept by their refKey: each is ranked once, not on every comparison.
  const ranked = [...run.outcomes].map(([key, o]) => ({ key, o, rank: order.get(key) ?? order.size }));
  ranked.sort((a, b) => a.rank - b.rank || a.key.localeCompare(b.key));
  return {
    target: run.target.name,
    dryRun: run.req.dryRun,
    objects: ranked.map((r) => r.o),
    problems: run.problems,
    requests: { retries: run.counter.retries },
  };
}

/** Objects the run did not get to: reported as not attempted. */
function markNotAttempted(run: ApplyRun, refs: readonly ObjectRef[]): void {
  for (const ref of refs) {
    const key = refKey(ref);
    if (!run.outcomes.has(key)) run.outcomes.set(key, { ref, action: Action.NotAttempted });
  }
}

/** Stage 1: the ApplySet parent and every object apply could touch, or nothing when it cannot be read. */
async function readCurrentState(run: ApplyRun): Promise<LiveState | undefined> {
  const { target, req, parent } = run;
  let state: LiveState;
  try {
    state = await readLiveState(target, run.call, parent, run.objects, req.namespaces, {
      concurrency: req.concurrency,
    });
  } catch (e) {
    const f = classifyFailure(e);
    run.problems.push({ kind: f.kind, message: `could not read the current state: ${f.message}` });
    markNotAttempted(run, run.objects.map(refOf));
    return undefined;
  }
  for (const gk of state.unlisted) {
    run.problems.push({
      kind: "note",
      message: `the inventory records ${gk}, whose API version is unknown: its members were not checked`,
    });
  }
  return state;
}

/** Which members the run prunes; `refused` when a guard refused, and then nothing is written. */
interface PruneDecision {
  readonly prune?: PrunePlan;
  readonly refused: boolean;
}

/** Stage 2: the prune decision (nothing to prune without --prune). */
function decidePruning(run: ApplyRun, state: LiveState): PruneDecision {
  const { req, parent } = run;
  if (!req.prune) return { refused: false };
  const members = [...state.objects.values()].filter((o) => isMember(o, parent));
  const prune = planPrune(run.objects, members, req.allowDestructive);
  if (prune.refusals.length === 0) return { prune, refused: false };
  for (const r of prune.refusals) run.problems.push({ kind: "refused", message: formatRefusal(r) });
  markNotAttempted(run, run.objects.map(refOf));
  return { refused: true };
}

/** Writes the inventory, and the sha256 of the objects once all of them are applied. */
type InventoryWrite = (record: InventoryRecord, objectsSha256?: string) => Promise<void>;

/**
 * The ApplySet parent's writer: it records the group-kinds and namespaces of the set, and
 * writes only when they change (never in a dry run). Until every object is applied, the
 * parent keeps naming the objects applied before.
 */
function inventoryWriter(run: ApplyRun, state: LiveState): InventoryWrite {
  let parentLive = state.parent;
  return async (record, objectsSha256) => {
    const next = parentObject(run.parent, record, objectsSha256 ?? appliedObjectsOf(parentLive));
    const current = parentLive?.metadata.annotations ?? {};
    const same = [
      ApplySetKeys.containsGroupKinds,
      ApplySetKeys.additionalNamespaces,
      appliedObjectsAnnotation,
    ].every((k) => (current[k] ?? "") === (next.metadata.annotations?.[k] ?? ""));
    if (run.req.dryRun || (parentLive && same)) return;
    parentLive = await run.call(() => run.target.apply(next, { force: true, dryRun: false }));
  };
}

const namespaceRef = (name: string): ObjectRef => ({ group: "", version: "v1", kind: "Namespace", name });

/**
 * Applies one object, unless it is unchanged or another ApplySet owns it. A failure calls
 * `stop` at once, so no lane starts another object.
 */
async function applyOne(
  run: ApplyRun,
  live: ReadonlyMap<string, KubeObject>,
  namespacesCreatedNow: ReadonlySet<string>,
  { rendered: r, object }: Desired,
  stop: () => void,
): Promise<void> {
  const { req, parent, outcomes } = run;
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
    stop();
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
    await run.call(() => run.target.apply(object, { force: req.force, dryRun: req.dryRun }));
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
    stop();
  }
}

/** After the CRD stage, every CRD must be Established before anything uses it; false stops the run. */
async function waitForEstablishedCrds(run: ApplyRun, crds: readonly KubeObject[]): Promise<boolean> {
  const { deps, req } = run;
  const results = await waitForRollouts(run.target, crds, deps.now() + req.timeoutMs, run.rolloutDeps);
  let established = true;
  for (const [key, v] of results) {
    if (v.state !== "ready") {
      const o = run.outcomes.get(key);
      if (o)
        run.outcomes.set(key, {
          ...o,
          action: Action.Failed,
          failure: FailureKind.Environment,
          message: v.message ?? "not Established",
        });
      established = false;
    }
  }
  return established;
}

/**
 * Stage 3: applies the objects a stage at a time (namespaces, CRDs, then what uses them),
 * recording the inventory in the ApplySet parent before the first write that needs it. The
 * first failure starts no more writes. Returns whether every stage went through.
 */
async function applyInStages(
  run: ApplyRun,
  state: LiveState,
  writeInventory: (record: InventoryRecord) => Promise<void>,
  recordBeforeWrites: InventoryRecord,
): Promise<boolean> {
  const { req, parent } = run;
  const live = state.objects;
  const liveNamespace = (name: string) => live.has(refKey(namespaceRef(name)));
  const parentNamespaceExists = state.parent !== undefined || liveNamespace(req.appNamespace);
  const namespacesCreatedNow = new Set(
    run.objects
      .filter((o) => o.kind === "Namespace" && !liveNamespace(o.metadata.name))
      .map((o) => o.metadata.name),
  );
  let parentWritten = false;
  let stopped = false;
  const stages = [...new Set(run.desired.map((d) => stageOf(d.object.kind)))].sort((a, b) => a - b);
  for (const stage of stages) {
    if (!parentWritten && (parentNamespaceExists || stage > Stage.Namespaces)) {
      try {
        await writeInventory(recordBeforeWrites);
        parentWritten = true;
      } catch (e) {
        const f = classifyFailure(e);
        run.problems.push({
          kind: f.kind,
          message: `could not record the inventory in ConfigMap ${parent.namespace}/${parent.name}: ${f.message}`,
        });
        return false;
      }
    }
    const items = run.desired.filter((d) => stageOf(d.object.kind) === stage);
    await forEachBounded(
      items,
      req.concurrency,
      (d) =>
        applyOne(run, live, namespacesCreatedNow, d, () => {
          stopped = true;
        }),
      () => stopped,
    );
    if (stopped) return false;
    if (stage === Stage.Crds && !req.dryRun && run.target.watch) {
      if (
        !(await waitForEstablishedCrds(
          run,
          items.map((d) => d.object),
        ))
      )
        return false;
    }
  }
  return true;
}

/** Stage 4: deletes the pruned members; false when a deletion failed. */
async function pruneMembers(run: ApplyRun, prune: PrunePlan): Promise<boolean> {
  const deleted = await deleteMembers(run.target, run.call, prune.deletions, run.req);
  for (const o of deleted.outcomes) run.outcomes.set(refKey(o.ref), o);
  markNotAttempted(run, prune.deletions);
  return !deleted.failed;
}

/** Stage 5: the inventory as it now stands, and the target's writes made durable; false when that failed. */
async function recordInventory(
  run: ApplyRun,
  writeInventory: InventoryWrite,
  record: InventoryRecord,
): Promise<boolean> {
  try {
    await writeInventory(record, run.req.sha256);
    await run.target.commit?.();
    return true;
  } catch (e) {
    const f = classifyFailure(e);
    run.problems.push({ kind: f.kind, message: `could not record the inventory: ${f.message}` });
    return false;
  }
}

/** Stage 6: each workload's rollout verdict; the action stays what apply did. */
async function waitForWorkloads(run: ApplyRun): Promise<void> {
  const { deps, req } = run;
  const waited = run.objects.filter((o) => waitedKinds.has(o.kind) && o.kind !== "CustomResourceDefinition");
  const results = await waitForRollouts(run.target, waited, deps.now() + req.timeoutMs, run.rolloutDeps);
  for (const [key, v] of results) {
    const o = run.outcomes.get(key);
    if (o) run.outcomes.set(key, { ...o, rollout: rolloutOutcome(v) });
  }
}

/** One run of `apply` against one target. Never throws for an object's failure: the report says. */
export async function applyEnvironment(
  target: ApplyTarget,
  req: ApplyRequest,
  deps: ApplyDeps,
): Promise<ApplyReport> {
  const run = startRun(target, req, deps);
  const renderedInventory = inventoryOf(run.objects);
  const state = await readCurrentState(run);
  if (!state) return reportOf(run);
  const { prune, refused } = decidePruning(run, state);
  if (refused) return reportOf(run);
  const writeInventory = inventoryWriter(run, state);
  const recordBeforeWrites = unionInventory(state.recorded, renderedInventory);
  const applied = await applyInStages(run, state, writeInventory, recordBeforeWrites);
  markNotAttempted(run, run.objects.map(refOf));
  if (!applied) {
    if (prune) markNotAttempted(run, prune.deletions);
    return reportOf(run);
  }
  if (prune && !(await pruneMembers(run, prune))) return reportOf(run);
  if (!(await recordInventory(run, writeInventory, req.prune ? renderedInventory : recordBeforeWrites)))
    return reportOf(run);
  if (req.wait && !req.dryRun && target.watch) await waitForWorkloads(run);
  return reportOf(run);
}
