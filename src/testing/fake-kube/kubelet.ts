import { createHash } from "node:crypto";
import { type FakeCluster, formatTime } from "./cluster.ts";
import type { ResourceType } from "./resources.ts";
import type { Obj } from "./schema.ts";
import { parseLabelSelector } from "./selector.ts";

/**
 * What a kubelet writes, for a cluster that has none (recordings 76, 81, 82). Pods stay
 * Pending until someone writes their status through the pods/status subresource; these
 * helpers write it the way a kubelet does, with `fieldManager=kubelet`.
 *
 * ```ts
 * markPodsRunning(fake, "staging", "api");              // Running, Ready, podIP 127.0.0.2 (like 76)
 * failImagePull(fake, "staging", "api");                // ImagePullBackOff + a Warning Event (81, 82)
 * fake.controller.reconcile();                          // the controller then sees the Pods
 * ```
 */

/** The part of a FakeKube these helpers need (a FakeKube will do). */
export interface KubeletHost {
  readonly cluster: FakeCluster;
}

export interface KubeletOptions {
  /** Address of the first Pod; the next Pods count up from it (127.0.0.2, 127.0.0.3, ...). */
  readonly podIP?: string;
  readonly hostIP?: string;
  /** Only these Pods (default: every Pod the Deployment's selector matches). */
  readonly filter?: (pod: Obj) => boolean;
}

const manager = "kubelet";

function hex(value: unknown, length: number): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, length);
}

function containersOf(pod: Obj): Obj[] {
  return (((pod.spec as Obj | undefined)?.containers ?? []) as Obj[]).filter((c) => c !== null);
}

function podCondition(type: string, status: string, time: string, unready?: string): Obj {
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: time,
    ...(unready
      ? { reason: "ContainersNotReady", message: `containers with unready status: [${unready}]` }
      : {}),
  };
}

/** The QoS class the API server gives a Pod at creation. */
export function qosClassOf(spec: Obj | undefined): "BestEffort" | "Burstable" | "Guaranteed" {
  const containers = ((spec?.containers ?? []) as Obj[]).map((c) => (c.resources ?? {}) as Obj);
  const set = (r: Obj, k: string) => Object.keys((r[k] ?? {}) as Obj).length > 0;
  if (containers.every((r) => !set(r, "requests") && !set(r, "limits"))) return "BestEffort";
  const guaranteed = containers.every((r) => {
    const limits = (r.limits ?? {}) as Obj;
    const requests = (r.requests ?? {}) as Obj;
    return ["cpu", "memory"].every(
      (k) => limits[k] !== undefined && (requests[k] === undefined || requests[k] === limits[k]),
    );
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

function ipAfter(first: string, offset: number): string {
  const parts = first.split(".").map(Number);
  parts[3] = (parts[3] ?? 0) + offset;
  return parts.join(".");
}

/** Status of a Pod whose containers run and are ready (76): Running, all conditions True. */
export function runningPodStatus(pod: Obj, now: Date, podIP = "127.0.0.2", hostIP = "127.0.0.1"): Obj {
  const time = formatTime(now);
  const name = String((pod.metadata as Obj).name);
  return {
    phase: "Running",
    conditions: [
      podCondition("Initialized", "True", time),
      podCondition("Ready", "True", time),
      podCondition("ContainersReady", "True", time),
      podCondition("PodScheduled", "True", time),
    ],
    hostIP,
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: time,
    containerStatuses: containersOf(pod).map((c) => {
      const image = String(c.image);
      return {
        name: c.name,
        state: { running: { startedAt: time } },
        lastState: {},
        ready: true,
        restartCount: 0,
        image,
        imageID: `${image.replace(/:[^:/@]+$/, "").replace(/@.*$/, "")}@sha256:${hex(image, 64)}`,
        containerID: `containerd://${hex([name, c.name], 64)}`,
        started: true,
      };
    }),
    qosClass: qosClassOf(pod.spec as Obj | undefined),
  };
}

/** Status of a Pod whose image cannot be pulled (81): Pending, Ready=False, waiting ImagePullBackOff. */
export function imagePullBackOffPodStatus(
  pod: Obj,
  now: Date,
  podIP = "127.0.0.2",
  hostIP = "127.0.0.1",
): Obj {
  const time = formatTime(now);
  const containers = containersOf(pod);
  const unready = containers.map((c) => String(c.name)).join(" ");
  return {
    phase: "Pending",
    conditions: [
      podCondition("Initialized", "True", time),
      podCondition("Ready", "False", time, unready),
      podCondition("ContainersReady", "False", time, unready),
      podCondition("PodScheduled", "True", time),
    ],
    hostIP,
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: time,
    containerStatuses: containers.map((c) => ({
      name: c.name,
      state: {
        waiting: { reason: "ImagePullBackOff", message: `Back-off pulling image "${String(c.image)}"` },
      },
      lastState: {},
      ready: false,
      restartCount: 0,
      image: c.image,
      imageID: "",
      started: false,
    })),
    qosClass: qosClassOf(pod.spec as Obj | undefined),
  };
}

/** The Warning Event a kubelet posts when a pull fails (82), about the Pod's first container. */
export function imagePullFailedEvent(pod: Obj, now: Date): Obj {
  const m = pod.metadata as Obj;
  const container = containersOf(pod)[0] ?? {};
  const image = String(container.image ?? "");
  const time = formatTime(now);
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: `${String(m.name)}.${hex([m.uid, time], 16)}`, namespace: m.namespace },
    involvedObject: {
      kind: "Pod",
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: "v1",
      resourceVersion: m.resourceVersion,
      fieldPath: `spec.containers{${String(container.name)}}`,
    },
    reason: "Failed",
    message: `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`,
    source: { component: "kubelet" },
    firstTimestamp: time,
    lastTimestamp: time,
    count: 1,
    type: "Warning",
  };
}

function type(cluster: FakeCluster, apiVersion: string, kind: string): ResourceType {
  const t = cluster.resourceForKind(apiVersion, kind);
  if (!t) throw new Error(`fake cluster serves no ${apiVersion} ${kind}`);
  return t;
}

/** The Pods a Deployment's selector matches, oldest ReplicaSet's first, without terminating ones. */
export function podsOfDeployment(cluster: FakeCluster, namespace: string, deployment: string): Obj[] {
  const d = cluster.get(type(cluster, "apps/v1", "Deployment"), namespace, deployment);
  const matchLabels = (((d.spec as Obj).selector as Obj | undefined)?.matchLabels ?? {}) as Record<
    string,
    string
  >;
  const selector = Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
  const matches = parseLabelSelector(selector);
  return cluster
    .list(type(cluster, "v1", "Pod"), namespace, null)
    .filter((p) => (p.metadata as Obj).deletionTimestamp === undefined)
    .filter((p) => matches(((p.metadata as Obj).labels ?? {}) as Record<string, string>))
    .sort((a, b) =>
      String((a.metadata as Obj).creationTimestamp).localeCompare(
        String((b.metadata as Obj).creationTimestamp),
      ),
    );
}

/** PUT pods/NAME/status as the kubelet: replaces the status, the `kubelet` entry owns what changed. */
export function writePodStatus(cluster: FakeCluster, pod: Obj, status: Obj): Obj {
  return cluster.write(type(cluster, "v1", "Pod"), { ...pod, status }, manager, "status");
}

/** Marks a Deployment's Pods Running and Ready (76). Returns the Pods as written. */
export function markPodsRunning(
  host: KubeletHost,
  namespace: string,
  deployment: string,
  options: KubeletOptions = {},
): Obj[] {
  const { cluster } = host;
  const pods = podsOfDeployment(cluster, namespace, deployment).filter(options.filter ?? (() => true));
  return pods.map((pod, i) =>
    writePodStatus(
      cluster,
      pod,
      runningPodStatus(pod, cluster.now(), ipAfter(options.podIP ?? "127.0.0.2", i), options.hostIP),
    ),
  );
}

/** One Pod's failed pull: its status (81) and the kubelet's Warning Event (82). */
export function failPodImagePull(
  cluster: FakeCluster,
  pod: Obj,
  podIP = "127.0.0.2",
  hostIP?: string,
): { pod: Obj; event: Obj } {
  const written = writePodStatus(cluster, pod, imagePullBackOffPodStatus(pod, cluster.now(), podIP, hostIP));
  const namespace = String((written.metadata as Obj).namespace);
  const event = cluster.create(
    type(cluster, "v1", "Event"),
    namespace,
    imagePullFailedEvent(written, cluster.now()),
    {
      manager,
      dryRun: false,
      strict: false,
    },
  ).object;
  return { pod: written, event };
}

/**
 * Makes a Deployment's Pods fail their image pull (81) and posts the kubelet's Warning Event for
 * each (82). The Deployment then stays unavailable and passes its progress deadline.
 */
export function failImagePull(
  host: KubeletHost,
  namespace: string,
  deployment: string,
  options: KubeletOptions = {},
): { pods: Obj[]; events: Obj[] } {
  const { cluster } = host;
  const failed = podsOfDeployment(cluster, namespace, deployment)
    .filter(options.filter ?? (() => true))
    .map((pod, i) =>
      failPodImagePull(cluster, pod, ipAfter(options.podIP ?? "127.0.0.2", i), options.hostIP),
    );
  return { pods: failed.map((f) => f.pod), events: failed.map((f) => f.event) };
}
