import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { KubeObject } from "../core/kube/object.ts";
import {
  crashLoopBackOffPodStatus,
  failedSchedulingEvent,
  insufficientMessage,
  unschedulablePodStatus,
} from "../testing/fake-kube/kubelet.ts";
import { diagnose, diagnosisLines, newestPods, podReasons, warningEvents } from "./reasons.ts";

const dir = join(import.meta.dir, "..", "testing", "fake-kube", "testdata", "kube-apiserver-v1.26");
const recorded = async (file: string) =>
  (await Bun.file(join(dir, file)).json()) as { request: { body: unknown }; response: { body: unknown } };

const owner = (kind: string, name: string, uid: string) => ({
  apiVersion: "apps/v1",
  kind,
  name,
  uid,
  controller: true,
});
const pod = (
  name: string,
  owners: object[],
  labels: Record<string, string> = {},
  status: object = {},
): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: {
    name,
    namespace: "staging",
    uid: `uid-${name}`,
    ownerReferences: owners,
    labels,
  } as KubeObject["metadata"],
  spec: { containers: [{ name: "db", image: "postgres:16" }] },
  status,
});
const workload = (kind: string, name: string, uid: string, status?: object): KubeObject => ({
  apiVersion: "apps/v1",
  kind,
  metadata: { name, uid } as KubeObject["metadata"],
  ...(status ? { status } : {}),
});
const at = new Date("2026-11-30T00:53:25Z");

describe("reasons from what the kubelet wrote", () => {
  test("81 and 83: the Pod waits in ImagePullBackOff; the Event says why the pull failed", async () => {
    const stuck = (await recorded("81-put-pod-status-stuck-image-pull-backoff.json")).response
      .body as KubeObject;
    expect(podReasons(stuck)).toEqual([
      {
        pod: "stuck-7d44956fff-xjbxp",
        container: "stuck",
        reason: "ImagePullBackOff",
        message: 'Back-off pulling image "registry.invalid/none:1"',
      },
    ]);
    const events = ((await recorded("83-list-events-for-pod.json")).response.body as { items: KubeObject[] })
      .items;
    const [note] = warningEvents(events, [stuck]);
    expect(note).toMatchObject({ object: "pod/stuck-7d44956fff-xjbxp", reason: "Failed", count: 1 });
    expect(note?.message).toContain("dial tcp: lookup registry.invalid: no such host");
  });

  test("76: a running, ready Pod gives no reason", async () => {
    const ok = (await recorded("76-put-pod-status-ok-running.json")).response.body as KubeObject;
    expect(podReasons(ok)).toEqual([]);
  });

  test("CrashLoopBackOff with the last termination's exit code and message", () => {
    const p = pod("db-0", []);
    const crashed = {
      ...p,
      status: crashLoopBackOffPodStatus(p, at, { exitCode: 137, message: "OOMKilled\n", restarts: 1 }),
    };
    const [r] = podReasons(crashed as KubeObject);
    expect(r).toMatchObject({
      container: "db",
      reason: "CrashLoopBackOff",
      restarts: 1,
      lastTermination: { reason: "Error", exitCode: 137, message: "OOMKilled" },
    });
    expect(diagnosisLines({ pods: [r as never], morePods: 0, events: [] })).toEqual([
      "pod db-0 container db: CrashLoopBackOff: back-off 40s restarting failed container=db pod=db-0_staging(uid-db-0); 1 restart; last terminated: Error, exit code 137: OOMKilled",
    ]);
  });

  test("Unschedulable: the PodScheduled condition, and the scheduler's Event counted once without `count`", () => {
    const p = pod("db-0", []);
    const message = insufficientMessage(3, "nvidia.com/gpu");
    const pending = { ...p, status: unschedulablePodStatus(p, at, message) } as KubeObject;
    expect(podReasons(pending)).toEqual([{ pod: "db-0", reason: "Unschedulable", message }]);
    const event = failedSchedulingEvent(pending, at, message) as unknown as KubeObject;
    expect(warningEvents([event], [pending])).toEqual([
      { object: "pod/db-0", reason: "FailedScheduling", message, count: 1 },
    ]);
  });

  test("a container that is only being created is not stuck; an init container that failed is", () => {
    const creating = pod(
      "a",
      [],
      {},
      {
        containerStatuses: [
          { name: "db", state: { waiting: { reason: "ContainerCreating" } }, restartCount: 0 },
        ],
      },
    );
    expect(podReasons(creating)).toEqual([]);
    const init = pod(
      "b",
      [],
      {},
      {
        initContainerStatuses: [
          {
            name: "migrate",
            state: { terminated: { exitCode: 2, reason: "Error", message: "no such table" } },
          },
        ],
      },
    );
    expect(podReasons(init)).toEqual([
      {
        pod: "b",
        container: "migrate",
        reason: "Error",
        message: "no such table",
        lastTermination: { reason: "Error", exitCode: 2, message: "no such table" },
      },
    ]);
  });
});

describe("the newest Pods of each kind of workload", () => {
  test("a Deployment's: those of its ReplicaSet with the highest revision", () => {
    const d = workload("Deployment", "api", "d");
    const rs = (name: string, revision: string, uid: string): KubeObject => ({
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name,
        uid,
        annotations: { "deployment.kubernetes.io/revision": revision },
        ownerReferences: [owner("Deployment", "api", "d")],
      } as KubeObject["metadata"],
    });
    const replicaSets = [rs("api-old", "1", "r1"), rs("api-new", "2", "r2")];
    const pods = [
      pod("api-old-x", [owner("ReplicaSet", "api-old", "r1")]),
      pod("api-new-y", [owner("ReplicaSet", "api-new", "r2")]),
    ];
    const newest = newestPods(d, { replicaSets, pods });
    expect(newest.owner?.metadata.name).toBe("api-new");
    expect(newest.pods.map((p) => p.metadata.name)).toEqual(["api-new-y"]);
  });

  test("a StatefulSet's: its own Pods of status.updateRevision", () => {
    const sts = workload("StatefulSet", "db", "s", { updateRevision: "db-7f9c6b8d5" });
    const mine = [owner("StatefulSet", "db", "s")];
    const pods = [
      pod("db-0", mine, { "controller-revision-hash": "db-7f9c6b8d5" }),
      pod("db-1", mine, { "controller-revision-hash": "db-5d8b6c9f7" }),
      pod("other-0", [owner("StatefulSet", "other", "o")], { "controller-revision-hash": "db-7f9c6b8d5" }),
    ];
    expect(newestPods(sts, { pods }).pods.map((p) => p.metadata.name)).toEqual(["db-0"]);
  });

  test("a DaemonSet's: its own Pods of its newest ControllerRevision", () => {
    const ds = workload("DaemonSet", "dcgm", "ds");
    const mine = [owner("DaemonSet", "dcgm", "ds")];
    const revision = (hash: string, n: number): KubeObject =>
      ({
        apiVersion: "apps/v1",
        kind: "ControllerRevision",
        metadata: {
          name: `dcgm-${hash}`,
          labels: { "controller-revision-hash": hash },
          ownerReferences: mine,
        },
        revision: n,
      }) as KubeObject;
    const pods = [
      pod("dcgm-a", mine, { "controller-revision-hash": "6c4f" }),
      pod("dcgm-b", mine, { "controller-revision-hash": "9b7d" }),
    ];
    const newest = newestPods(ds, { revisions: [revision("6c4f", 1), revision("9b7d", 2)], pods });
    expect(newest.pods.map((p) => p.metadata.name)).toEqual(["dcgm-b"]);
  });

  test("Pods stuck alike are told once and the rest counted; Events of other objects are left out", () => {
    const d = workload("Deployment", "api", "d");
    const waiting = {
      containerStatuses: [
        { name: "db", state: { waiting: { reason: "ErrImagePull", message: "not found" } } },
      ],
    };
    const pods = ["a", "b", "c"].map((n) => pod(n, [], {}, waiting));
    const foreign = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: "x" },
      involvedObject: { kind: "Pod", name: "elsewhere", uid: "nope" },
      type: "Warning",
      reason: "Failed",
      message: "other",
    } as unknown as KubeObject;
    const d1 = diagnose(undefined, d, pods, [foreign]);
    expect(d1.pods).toHaveLength(1);
    expect(d1.morePods).toBe(2);
    expect(d1.events).toEqual([]);
    expect(diagnosisLines(d1)).toEqual([
      "pod a container db: ErrImagePull: not found",
      "2 more Pods stuck alike",
    ]);
  });
});
