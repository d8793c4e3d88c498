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
 * crashLoop(fake, "staging", "api", { exitCode: 1 });   // CrashLoopBackOff, last termination + BackOff Event
 * leaveUnschedulable(fake, "staging", "api");           // PodScheduled=False + FailedScheduling Event
 * fake.controller.reconcile();                          // the controller then sees the Pods
 * ```
 *
 * CrashLoopBackOff and Unschedulable have no recording; they follow 76, 81 and 82 (the same
 * condition list, container status and core/v1 Event shapes) with the reasons and messages the
 * v1.26 kubelet and scheduler write.
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

/** The conditions of a scheduled Pod whose containers are not ready (81). */
function unreadyConditions(containers: readonly Obj[], time: string): Obj[] {
  const unready = containers.map((c) => String(c.name)).join(" ");
  return [
    podCondition("Initialized", "True", time),
    podCondition("Ready", "False", time, unready),
    podCondition("ContainersReady", "False", time, unready),
    podCondition("PodScheduled", "True", time),
  ];
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
  return {
    phase: "Pending",
    conditions: unreadyConditions(containers, time),
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
  const image = String(containersOf(pod)[0]?.image ?? "");
  const message = `Failed to pull image "${image}": rpc error: code = NotFound desc = failed to pull and unpack image "${image}": not found`;
  return containerEvent(pod, now, "Failed", message, 1);
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
  return { pod: written, event: postEvent(cluster, imagePullFailedEvent(written, cluster.now()), manager) };
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

/** How a crash-looping container's last run ended. */
export interface Crash {
  readonly exitCode?: number;
  /** What the container wrote to its termination log (`terminationMessagePath`). */
  readonly message?: string;
  readonly restarts?: number;
}

/** A kubelet-written core/v1 Event about a Pod's container (the shape of 82). */
/** An Event's `involvedObject` for a Pod (82), and the Event's name: the Pod's and a hash. */
function aboutPod(pod: Obj, salt: unknown): { metadata: Obj; involvedObject: Obj } {
  const m = pod.metadata as Obj;
  return {
    metadata: { name: `${String(m.name)}.${hex([m.uid, salt], 16)}`, namespace: m.namespace },
    involvedObject: {
      kind: "Pod",
      namespace: m.namespace,
      name: m.name,
      uid: m.uid,
      apiVersion: "v1",
      resourceVersion: m.resourceVersion,
    },
  };
}

function containerEvent(pod: Obj, now: Date, reason: string, message: string, count: number): Obj {
  const time = formatTime(now);
  const about = aboutPod(pod, [reason, time]);
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: about.metadata,
    involvedObject: {
      ...about.involvedObject,
      fieldPath: `spec.containers{${String(containersOf(pod)[0]?.name)}}`,
    },
    reason,
    message,
    source: { component: "kubelet" },
    firstTimestamp: time,
    lastTimestamp: time,
    count,
    type: "Warning",
  };
}

/**
 * Status of a Pod whose container keeps exiting: Running, Ready=False like 81, the container
 * waiting in CrashLoopBackOff and its last run terminated with the exit code and message.
 */
export function crashLoopBackOffPodStatus(pod: Obj, now: Date, crash: Crash = {}, podIP = "127.0.0.2"): Obj {
  const time = formatTime(now);
  const m = pod.metadata as Obj;
  const containers = containersOf(pod);
  const exitCode = crash.exitCode ?? 1;
  return {
    phase: "Running",
    conditions: unreadyConditions(containers, time),
    hostIP: "127.0.0.1",
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: time,
    containerStatuses: containers.map((c) => {
      const image = String(c.image);
      return {
        name: c.name,
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off 40s restarting failed container=${String(c.name)} pod=${String(m.name)}_${String(m.namespace)}(${String(m.uid)})`,
          },
        },
        lastState: {
          terminated: {
            exitCode,
            reason: exitCode === 0 ? "Completed" : "Error",
            ...(crash.message ? { message: crash.message } : {}),
            startedAt: time,
            finishedAt: time,
            containerID: `containerd://${hex([m.name, c.name, "last"], 64)}`,
          },
        },
        ready: false,
        restartCount: crash.restarts ?? 3,
        image,
        imageID: `${image.replace(/:[^:/@]+$/, "").replace(/@.*$/, "")}@sha256:${hex(image, 64)}`,
        containerID: `containerd://${hex([m.name, c.name, "last"], 64)}`,
        started: false,
      };
    }),
    qosClass: qosClassOf(pod.spec as Obj | undefined),
  };
}

/**
 * Status the scheduler writes for a Pod no node can take: still Pending, only PodScheduled,
 * False with reason Unschedulable, and no IPs or container statuses.
 */
export function unschedulablePodStatus(pod: Obj, now: Date, message: string): Obj {
  return {
    phase: "Pending",
    conditions: [
      {
        type: "PodScheduled",
        status: "False",
        lastProbeTime: null,
        lastTransitionTime: formatTime(now),
        reason: "Unschedulable",
        message,
      },
    ],
    qosClass: qosClassOf(pod.spec as Obj | undefined),
  };
}

/**
 * The scheduler's FailedScheduling Event as core/v1 shows it: the scheduler writes through
 * events.k8s.io/v1, so `eventTime`, `action`, `reportingComponent` and `series` are set and the
 * old `firstTimestamp`, `count` and `source` are empty.
 */
export function failedSchedulingEvent(pod: Obj, now: Date, message: string): Obj {
  return {
    apiVersion: "v1",
    kind: "Event",
    ...aboutPod(pod, "FailedScheduling"),
    reason: "FailedScheduling",
    message,
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: now.toISOString().replace("Z", "000Z"),
    type: "Warning",
    action: "Scheduling",
    reportingComponent: "default-scheduler",
    reportingInstance: "default-scheduler-flyby",
  };
}

function postEvent(cluster: FakeCluster, event: Obj, by: string): Obj {
  const namespace = String((event.metadata as Obj).namespace);
  return cluster.create(type(cluster, "v1", "Event"), namespace, event, {
    manager: by,
    dryRun: false,
    strict: false,
  }).object;
}

/** One Pod's crash loop: its status and the kubelet's BackOff Warning Event. */
export function crashPod(
  cluster: FakeCluster,
  pod: Obj,
  crash: Crash = {},
  podIP = "127.0.0.2",
): { pod: Obj; event: Obj } {
  const written = writePodStatus(cluster, pod, crashLoopBackOffPodStatus(pod, cluster.now(), crash, podIP));
  const m = written.metadata as Obj;
  const container = String(containersOf(written)[0]?.name);
  const message = `Back-off restarting failed container ${container} in pod ${String(m.name)}_${String(m.namespace)}(${String(m.uid)})`;
  const event = postEvent(
    cluster,
    containerEvent(written, cluster.now(), "BackOff", message, crash.restarts ?? 3),
    manager,
  );
  return { pod: written, event };
}

/** The scheduler's message when no node has enough of a resource. */
export function insufficientMessage(nodes: number, resource: string): string {
  return `0/${nodes} nodes are available: ${nodes} Insufficient ${resource}. preemption: 0/${nodes} nodes are available: ${nodes} No preemption victims found for incoming pod..`;
}

/** One Pod no node can take: the scheduler's status and its FailedScheduling Event. */
export function unschedulePod(
  cluster: FakeCluster,
  pod: Obj,
  message = insufficientMessage(3, "nvidia.com/gpu"),
): { pod: Obj; event: Obj } {
  const written = cluster.write(
    type(cluster, "v1", "Pod"),
    { ...pod, status: unschedulablePodStatus(pod, cluster.now(), message) },
    "kube-scheduler",
    "status",
  );
  return {
    pod: written,
    event: postEvent(cluster, failedSchedulingEvent(written, cluster.now(), message), "kube-scheduler"),
  };
}

/** Makes a Deployment's Pods crash-loop, each with the kubelet's BackOff Event. */
export function crashLoop(
  host: KubeletHost,
  namespace: string,
  deployment: string,
  crash: Crash = {},
  options: KubeletOptions = {},
): { pods: Obj[]; events: Obj[] } {
  const done = podsOfDeployment(host.cluster, namespace, deployment)
    .filter(options.filter ?? (() => true))
    .map((pod, i) => crashPod(host.cluster, pod, crash, ipAfter(options.podIP ?? "127.0.0.2", i)));
  return { pods: done.map((d) => d.pod), events: done.map((d) => d.event) };
}

/** Leaves a Deployment's Pods unschedulable, each with the scheduler's FailedScheduling Event. */
export function leaveUnschedulable(
  host: KubeletHost,
  namespace: string,
  deployment: string,
  message?: string,
  options: KubeletOptions = {},
): { pods: Obj[]; events: Obj[] } {
  const done = podsOfDeployment(host.cluster, namespace, deployment)
    .filter(options.filter ?? (() => true))
    .map((pod) => unschedulePod(host.cluster, pod, message));
  return { pods: done.map((d) => d.pod), events: done.map((d) => d.event) };
}
