import type { KubeObject } from "../core/kube/object.ts";
import { refOf } from "../core/kube/object.ts";
import type { ApplyTarget, KindRef } from "./port.ts";
import { type Diagnosis, diagnose, newestPods } from "./reasons.ts";

const kinds = {
  replicaSets: { apiVersion: "apps/v1", kind: "ReplicaSet" },
  revisions: { apiVersion: "apps/v1", kind: "ControllerRevision" },
  pods: { apiVersion: "v1", kind: "Pod" },
  events: { apiVersion: "v1", kind: "Event" },
} as const satisfies Record<string, KindRef>;

/** The workloads whose Pods can say why they are stuck. */
const explained = new Set(["Deployment", "StatefulSet", "DaemonSet"]);

/**
 * Reads why a workload's rollout is stuck from the cluster: the workload as it is now, the
 * owners between it and its Pods, the Pods and the Events of its namespace. A failed read is
 * said in the diagnosis rather than thrown: the verdict stands without its reasons.
 */
export async function explainRollout(
  target: ApplyTarget,
  workload: KubeObject,
): Promise<Diagnosis | undefined> {
  const namespace = workload.metadata.namespace;
  if (!explained.has(workload.kind) || !namespace) return undefined;
  try {
    const live = (await target.get(refOf(workload))) ?? workload;
    const [replicaSets, revisions, pods, events] = await Promise.all([
      live.kind === "Deployment" ? target.list(kinds.replicaSets, namespace) : [],
      live.kind === "DaemonSet" ? target.list(kinds.revisions, namespace) : [],
      target.list(kinds.pods, namespace),
      target.list(kinds.events, namespace),
    ]);
    const newest = newestPods(live, { replicaSets, revisions, pods });
    return diagnose(newest.owner, live, newest.pods, events);
  } catch (e) {
    return {
      pods: [],
      morePods: 0,
      events: [],
      unreadable: `could not read the Pods and Events: ${(e as Error).message}`,
    };
  }
}
