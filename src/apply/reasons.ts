import type { KubeObject } from "../core/kube/object.ts";

/**
 * Why a rollout is stuck, read from its newest Pods and their Events the way `kubectl describe`
 * shows them: a container's waiting reason and message, its last termination, a scheduling
 * failure, and the Warning Events.
 */

/** What the container's previous run ended with (`Last State: Terminated` in kubectl describe). */
export interface Termination {
  readonly reason?: string;
  readonly exitCode: number;
  readonly message?: string;
}

/** Why one Pod is not ready. */
export interface PodReason {
  readonly pod: string;
  /** Missing when the Pod as a whole is stuck (not scheduled). */
  readonly container?: string;
  /** `ImagePullBackOff`, `ErrImagePull`, `CrashLoopBackOff`, `Unschedulable`, ... */
  readonly reason: string;
  readonly message?: string;
  readonly restarts?: number;
  readonly lastTermination?: Termination;
}

/** A Warning Event about one of the Pods or their owner, as kubectl describe lists it. */
export interface EventNote {
  /** `pod/api-7c9d5-x2k4q`, `replicaset/api-7c9d5`. */
  readonly object: string;
  readonly reason: string;
  readonly message: string;
  readonly count: number;
}

export interface Diagnosis {
  readonly pods: readonly PodReason[];
  /** Further Pods stuck for a reason already listed. */
  readonly morePods: number;
  readonly events: readonly EventNote[];
  /** Why the Pods or Events could not be read, when they could not. */
  readonly unreadable?: string;
}

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const uidOf = (o: KubeObject | Obj): string | undefined => str(obj(o.metadata).uid);

/** Waiting reasons of a container that is merely starting, not stuck. */
const starting = new Set(["ContainerCreating", "PodInitializing"]);

/** Pods listed one by one; the rest are counted. */
const maxPods = 3;
const maxEvents = 5;

function isControlledBy(o: KubeObject | Obj, owner: KubeObject | Obj): boolean {
  const uid = uidOf(owner);
  return uid !== undefined && list(obj(o.metadata).ownerReferences).some((r) => r.uid === uid);
}

const deploymentRevision = (rs: KubeObject) =>
  Number(obj(rs.metadata.annotations)["deployment.kubernetes.io/revision"] ?? 0);
const controllerRevision = (r: KubeObject) => Number(obj(r).revision ?? 0);

/** The ReplicaSet of a Deployment's current revision. */
function newestReplicaSet(
  deployment: KubeObject,
  replicaSets: readonly KubeObject[],
): KubeObject | undefined {
  const owned = replicaSets.filter((rs) => isControlledBy(rs, deployment));
  return owned.sort((a, b) => deploymentRevision(b) - deploymentRevision(a))[0];
}

const hashLabel = "controller-revision-hash";
const labelOf = (o: KubeObject, key: string) => str(obj(o.metadata.labels)[key]);

/**
 * The Pods of a workload's newest revision: a Deployment's through its newest ReplicaSet; a
 * StatefulSet's by `status.updateRevision`; a DaemonSet's by its newest ControllerRevision.
 * Without a revision to go by, every Pod the workload owns.
 */
export function newestPods(
  workload: KubeObject,
  owned: {
    readonly replicaSets?: readonly KubeObject[];
    readonly revisions?: readonly KubeObject[];
    readonly pods: readonly KubeObject[];
  },
): { readonly owner?: KubeObject; readonly pods: KubeObject[] } {
  if (workload.kind === "Deployment") {
    const rs = newestReplicaSet(workload, owned.replicaSets ?? []);
    return rs ? { owner: rs, pods: owned.pods.filter((p) => isControlledBy(p, rs)) } : { pods: [] };
  }
  const mine = owned.pods.filter((p) => isControlledBy(p, workload));
  const newest =
    workload.kind === "StatefulSet"
      ? str(obj(workload.status).updateRevision)
      : (owned.revisions ?? [])
          .filter((r) => isControlledBy(r, workload))
          .sort((a, b) => controllerRevision(b) - controllerRevision(a))
          .map((r) => labelOf(r, hashLabel))[0];
  // A StatefulSet's updateRevision is `<name>-<hash>`; its Pods carry the same value in the label.
  const current = mine.filter((p) => {
    const hash = labelOf(p, hashLabel);
    return hash !== undefined && (hash === newest || newest?.endsWith(`-${hash}`));
  });
  return { pods: current.length > 0 ? current : mine };
}

function termination(state: Obj): Termination | undefined {
  const t = obj(state.terminated);
  if (typeof t.exitCode !== "number") return undefined;
  return {
    exitCode: t.exitCode,
    ...(str(t.reason) ? { reason: str(t.reason) } : {}),
    ...(str(t.message) ? { message: str(t.message)?.trim() } : {}),
  };
}

/** Why one Pod is not ready: its scheduling, then each container that waits or has ended. */
export function podReasons(pod: KubeObject): PodReason[] {
  const name = pod.metadata.name;
  const status = obj(pod.status);
  const scheduled = list(status.conditions).find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False") {
    const message = str(scheduled.message);
    return [{ pod: name, reason: str(scheduled.reason) ?? "Unschedulable", ...(message ? { message } : {}) }];
  }
  const containers = [...list(status.initContainerStatuses), ...list(status.containerStatuses)];
  return containers.flatMap((c): PodReason[] => {
    const state = obj(c.state);
    const waiting = obj(state.waiting);
    const ended = termination(state);
    const reason =
      str(waiting.reason) ?? (ended && ended.exitCode !== 0 ? (ended.reason ?? "Error") : undefined);
    if (!reason || starting.has(reason)) return [];
    const message = str(waiting.message) ?? ended?.message;
    const restarts = typeof c.restartCount === "number" ? c.restartCount : 0;
    const last = termination(obj(c.lastState));
    return [
      {
        pod: name,
        container: String(c.name),
        reason,
        ...(message ? { message } : {}),
        ...(restarts > 0 ? { restarts } : {}),
        ...(last ? { lastTermination: last } : ended && !waiting.reason ? { lastTermination: ended } : {}),
      },
    ];
  });
}

const eventCount = (e: Obj) =>
  typeof e.count === "number"
    ? e.count
    : typeof obj(e.series).count === "number"
      ? Number(obj(e.series).count)
      : 1;
const eventTime = (e: Obj) =>
  String(e.lastTimestamp ?? obj(e.series).lastObservedTime ?? e.eventTime ?? e.firstTimestamp ?? "");

/** The Warning Events about these objects, newest first, one per object, reason and message. */
export function warningEvents(events: readonly KubeObject[], about: readonly KubeObject[]): EventNote[] {
  const uids = new Set(about.map(uidOf).filter((u) => u !== undefined));
  const seen = new Set<string>();
  return (events as unknown as Obj[])
    .filter((e) => e.type === "Warning" && uids.has(String(obj(e.involvedObject).uid)))
    .sort((a, b) => eventTime(b).localeCompare(eventTime(a)))
    .flatMap((e) => {
      const about = obj(e.involvedObject);
      const note = {
        object: `${String(about.kind).toLowerCase()}/${String(about.name)}`,
        reason: String(e.reason ?? ""),
        message: String(e.message ?? "").trim(),
        count: eventCount(e),
      };
      const key = `${note.object}\n${note.reason}\n${note.message}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [note];
    })
    .slice(0, maxEvents);
}

/** Pods stuck for the same reason in the same container are told once. */
const alikeKey = (r: PodReason) => `${r.container ?? ""}\n${r.reason}\n${r.lastTermination?.exitCode ?? ""}`;

export function diagnose(
  owner: KubeObject | undefined,
  workload: KubeObject,
  pods: readonly KubeObject[],
  events: readonly KubeObject[],
): Diagnosis {
  const all = pods.flatMap(podReasons);
  const kinds = new Map<string, PodReason>();
  for (const r of all) if (!kinds.has(alikeKey(r))) kinds.set(alikeKey(r), r);
  const listed = [...kinds.values()].slice(0, maxPods);
  const stuckPods = new Set(all.map((r) => r.pod));
  const listedPods = new Set(listed.map((r) => r.pod));
  // The Events of the Pods told, not of those counted alike: one Pod's Events speak for the rest.
  const told = pods.filter((p) => listedPods.has(p.metadata.name) || !stuckPods.has(p.metadata.name));
  return {
    pods: listed,
    morePods: [...stuckPods].filter((p) => !listedPods.has(p)).length,
    events: warningEvents(events, [workload, ...(owner ? [owner] : []), ...told]),
  };
}

function podLine(r: PodReason): string {
  const where = r.container ? `pod ${r.pod} container ${r.container}` : `pod ${r.pod}`;
  const parts = [`${where}: ${r.reason}${r.message ? `: ${r.message}` : ""}`];
  if (r.restarts) parts.push(`${r.restarts} restart${r.restarts === 1 ? "" : "s"}`);
  const t = r.lastTermination;
  if (t) {
    const said = t.message ? `: ${t.message}` : "";
    parts.push(`last terminated: ${t.reason ?? "Terminated"}, exit code ${t.exitCode}${said}`);
  }
  return parts.join("; ");
}

/** The diagnosis as lines, Pods first, then `Warning Failed pod/x (x3): message`. */
export function diagnosisLines(d: Diagnosis): string[] {
  return [
    ...d.pods.map(podLine),
    ...(d.morePods > 0 ? [`${d.morePods} more Pod${d.morePods === 1 ? "" : "s"} stuck alike`] : []),
    ...d.events.map(
      (e) => `Warning ${e.reason} ${e.object}${e.count > 1 ? ` (x${e.count})` : ""}: ${e.message}`,
    ),
    ...(d.unreadable ? [d.unreadable] : []),
  ];
}
