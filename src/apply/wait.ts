import type { KubeObject } from "../core/kube/object.ts";

export const Readiness = { Ready: "ready", Progressing: "progressing", Failed: "failed" } as const;
export type Readiness = (typeof Readiness)[keyof typeof Readiness];

/** Where one object's rollout stands, read from its status alone (`kubectl rollout status`). */
export interface RolloutVerdict {
  readonly state: Readiness;
  /** Replicas available of those wanted, e.g. `2/3`. */
  readonly progress: string;
  /** The live line's words after the name, e.g. `2/3 updated · 1 unavailable`. */
  readonly live: string;
  readonly message?: string;
}

/** Kinds `--wait` follows; everything else is ready once applied. */
export const waitedKinds: ReadonlySet<string> = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
]);

interface Condition {
  readonly type?: string;
  readonly status?: string;
  readonly reason?: string;
  readonly message?: string;
}

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

function fields(o: KubeObject) {
  const spec = (o.spec ?? {}) as Record<string, unknown>;
  const status = (o.status ?? {}) as Record<string, unknown>;
  const generation = num(o.metadata.generation);
  const observed = num(status.observedGeneration);
  const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
  return { spec, status, generation, observed, conditions };
}

const waiting = (progress: string, live: string, message: string): RolloutVerdict => ({
  state: Readiness.Progressing,
  progress,
  live,
  message,
});

const ready = (progress: string): RolloutVerdict => ({
  state: Readiness.Ready,
  progress,
  live: `${progress} ready`,
});

const unobserved = (progress: string): RolloutVerdict =>
  waiting(progress, "waiting for the controller", "waiting for the controller to observe the change");

/** `2/3 updated · 1 unavailable`: what `kubectl rollout status` counts, in one line. */
function counted(updated: number, want: number, notReady: number, word: string, old = 0): string {
  const parts = [`${updated}/${want} updated`];
  if (notReady > 0) parts.push(`${notReady} ${word}`);
  if (old > 0) parts.push(`${old} old`);
  return parts.join(" · ");
}

function deployment(o: KubeObject): RolloutVerdict {
  const { spec, status, generation, observed, conditions } = fields(o);
  const want = typeof spec.replicas === "number" ? spec.replicas : 1;
  const updated = num(status.updatedReplicas);
  const available = num(status.availableReplicas);
  const total = num(status.replicas);
  const progress = `${available}/${want}`;
  // Until the controller has observed this generation, the status (conditions and counts alike)
  // still describes the previous rollout: an old ProgressDeadlineExceeded is not this one's failure.
  if (observed < generation) return unobserved(progress);
  const live = counted(updated, want, num(status.unavailableReplicas), "unavailable", total - updated);
  const stuck = conditions.find((c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded");
  if (stuck) {
    return {
      state: Readiness.Failed,
      progress,
      live: `${live} · progress deadline exceeded`,
      message: stuck.message ?? "progress deadline exceeded",
    };
  }
  if (updated < want) return waiting(progress, live, `${updated} of ${want} replicas updated`);
  if (total > updated) return waiting(progress, live, `${total - updated} old replicas pending termination`);
  if (available < updated)
    return waiting(progress, live, `${available} of ${updated} updated replicas available`);
  return ready(progress);
}

function statefulSet(o: KubeObject): RolloutVerdict {
  const { spec, status, generation, observed } = fields(o);
  const want = typeof spec.replicas === "number" ? spec.replicas : 1;
  const readyCount = num(status.readyReplicas);
  const progress = `${readyCount}/${want}`;
  if (observed < generation) return unobserved(progress);
  const live = counted(num(status.updatedReplicas), want, want - readyCount, "not ready");
  if (num(status.updatedReplicas) < want) return waiting(progress, live, "replicas being updated");
  if (status.currentRevision !== status.updateRevision)
    return waiting(progress, live, "rolling update in progress");
  if (readyCount < want) return waiting(progress, live, `${readyCount} of ${want} replicas ready`);
  return ready(progress);
}

function daemonSet(o: KubeObject): RolloutVerdict {
  const { status, generation, observed } = fields(o);
  const want = num(status.desiredNumberScheduled);
  const available = num(status.numberAvailable);
  const progress = `${available}/${want}`;
  if (observed < generation) return unobserved(progress);
  const live = counted(num(status.updatedNumberScheduled), want, want - available, "unavailable");
  if (num(status.updatedNumberScheduled) < want) return waiting(progress, live, "pods being updated");
  if (available < want) return waiting(progress, live, `${available} of ${want} pods available`);
  return ready(progress);
}

function claim(o: KubeObject): RolloutVerdict {
  const phase = String(fields(o).status.phase ?? "Pending");
  if (phase === "Bound") return { state: Readiness.Ready, progress: phase, live: phase };
  if (phase === "Lost")
    return { state: Readiness.Failed, progress: phase, live: phase, message: "the claim lost its volume" };
  return waiting(phase, phase, "waiting for the claim to be bound");
}

function crd(o: KubeObject): RolloutVerdict {
  const { conditions } = fields(o);
  const established = conditions.find((c) => c.type === "Established")?.status === "True";
  return established
    ? { state: Readiness.Ready, progress: "Established", live: "Established" }
    : waiting("pending", "pending", "waiting for the definition to be Established");
}

/** Whether an object has rolled out, from its status alone. */
export function rolloutVerdictOf(o: KubeObject): RolloutVerdict {
  switch (o.kind) {
    case "Deployment":
      return deployment(o);
    case "StatefulSet":
      return statefulSet(o);
    case "DaemonSet":
      return daemonSet(o);
    case "PersistentVolumeClaim":
      return claim(o);
    case "CustomResourceDefinition":
      return crd(o);
    default:
      return { state: Readiness.Ready, progress: "applied", live: "applied" };
  }
}
