import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { crashLoop, failImagePull, leaveUnschedulable, markPodsRunning } from "./kubelet.ts";
import type { Obj } from "./schema.ts";
import { FakeKube } from "./server.ts";

let clock = Date.parse("2026-11-24T03:00:00Z");

const fake = new FakeKube({
  now: () => new Date(clock),
  latencyMs: 20,
  fault: (_req, url) =>
    url.pathname.endsWith("/configmaps/flaky")
      ? Response.json({ kind: "Status", apiVersion: "v1", status: "Failure", code: 503 }, { status: 503 })
      : undefined,
});

const base = "/apis/apps/v1/namespaces/apps/deployments";

async function request(method: string, path: string, body?: unknown): Promise<{ status: number; body: Obj }> {
  const res = await fetch(new URL(path, fake.url), {
    method,
    headers: { Authorization: `Bearer ${fake.adminToken}`, "Content-Type": "application/apply-patch+yaml" },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Obj };
}

function deployment(name: string, replicas: number, progressDeadlineSeconds = 600): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "apps" },
    spec: {
      replicas,
      progressDeadlineSeconds,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: "nginx:1.25" }] },
      },
    },
  };
}

const status = async (name: string) => (await request("GET", `${base}/${name}`)).body.status as Obj;
const reconcile = (passes: number) => {
  for (let i = 0; i < passes; i++) fake.controller.reconcile();
};
const waitingOf = (pod: Obj) => {
  const first = (((pod.status as Obj).containerStatuses ?? []) as Obj[])[0] ?? {};
  return ((first.state ?? {}) as Obj).waiting as Obj | undefined;
};
/** spec.replicas of each ReplicaSet of an app, by revision. */
const replicasByRevision = async (app: string) => {
  const sets = (await request("GET", `/apis/apps/v1/namespaces/apps/replicasets?labelSelector=app%3D${app}`))
    .body.items as Obj[];
  return Object.fromEntries(
    sets.map((rs) => [
      ((rs.metadata as Obj).annotations as Obj)["deployment.kubernetes.io/revision"],
      (rs.spec as Obj).replicas,
    ]),
  );
};
const withImage = (d: Obj, image: string): Obj => {
  const next = structuredClone(d);
  const containers = (((next.spec as Obj).template as Obj).spec as Obj).containers as Obj[];
  containers[0] = { ...containers[0], image };
  return next;
};
const condition = (s: Obj, type: string) => ((s.conditions ?? []) as Obj[]).find((c) => c.type === type);

beforeAll(async () => {
  fake.start();
  await request("PATCH", "/api/v1/namespaces/apps?fieldManager=flyby", {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "apps" },
  });
});
afterAll(async () => {
  await fake.stop();
});

describe("the simulated controller, driven by the test", () => {
  test("a `ready` rollout becomes Available with NewReplicaSetAvailable", async () => {
    fake.controller.setRollout("apps", "web", "ready");
    expect((await request("PATCH", `${base}/web?fieldManager=flyby`, deployment("web", 3))).status).toBe(201);
    // First pass: the ReplicaSet and NewReplicaSetCreated; the Pods come at the next pass.
    fake.controller.reconcile();
    expect(condition(await status("web"), "Progressing")?.reason).toBe("NewReplicaSetCreated");
    expect(condition(await status("web"), "Available")?.status).toBe("False");
    fake.controller.reconcile();
    const s = await status("web");
    expect(s).toMatchObject({ observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(condition(s, "Available")?.status).toBe("True");
    expect(condition(s, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
    // The built-in kubelet wrote the Pods' status, as 76 shows a kubelet does.
    const pods = (await request("GET", "/api/v1/namespaces/apps/pods?labelSelector=app%3Dweb")).body
      .items as Obj[];
    expect(pods.map((p) => (p.status as Obj).podIP)).toEqual(["127.0.0.2", "127.0.0.3", "127.0.0.4"]);
    const entries = ((pods[0]?.metadata ?? {}) as Obj).managedFields as Obj[];
    const owners = entries.map((e) => `${e.manager}/${e.subresource ?? ""}`);
    expect(owners).toEqual(["kube-controller-manager/", "kubelet/status"]);
  });

  test("a `pending` rollout passes its progress deadline as time advances", async () => {
    await request("PATCH", `${base}/slow?fieldManager=flyby`, deployment("slow", 2, 10));
    reconcile(2);
    expect(condition(await status("slow"), "Progressing")?.reason).toBe("ReplicaSetUpdated");
    clock += 9_000;
    fake.controller.reconcile();
    expect(condition(await status("slow"), "Progressing")?.reason).toBe("ReplicaSetUpdated");
    clock += 11_000;
    fake.controller.reconcile();
    const p = condition(await status("slow"), "Progressing");
    expect(p).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
  });

  test("a changed template rolls out a new ReplicaSet and revision; the old one is kept at 0", async () => {
    await request("PATCH", `${base}/web?fieldManager=flyby`, withImage(deployment("web", 3), "nginx:1.27"));
    fake.controller.reconcile();
    const first = await status("web");
    expect(condition(first, "Progressing")?.reason).toBe("NewReplicaSetCreated");
    // maxSurge 25% of 3 rounds up to 1: one new Pod next to the three old ones.
    expect(first).toMatchObject({ observedGeneration: 2, replicas: 3, availableReplicas: 3 });
    reconcile(10);
    const web = (await request("GET", `${base}/web`)).body;
    expect((web.metadata as Obj).annotations).toMatchObject({ "deployment.kubernetes.io/revision": "2" });
    expect(web.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
    expect(condition(web.status as Obj, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
    expect(await replicasByRevision("web")).toEqual({ "1": 0, "2": 3 });
  });

  test("going back to an earlier template reuses its ReplicaSet under the next revision", async () => {
    await request("PATCH", `${base}/web?fieldManager=flyby`, deployment("web", 3));
    reconcile(10);
    const web = (await request("GET", `${base}/web`)).body;
    expect((web.metadata as Obj).annotations).toMatchObject({ "deployment.kubernetes.io/revision": "3" });
    expect(condition(web.status as Obj, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
    expect(await replicasByRevision("web")).toEqual({ "2": 0, "3": 3 });
  });

  test("`kubelet` mode: a Deployment is available only once its Pods' status says Ready", async () => {
    fake.controller.setRollout("apps", "api", "kubelet");
    await request("PATCH", `${base}/api?fieldManager=flyby`, deployment("api", 2));
    reconcile(3);
    expect(condition(await status("api"), "Available")?.status).toBe("False");
    const pods = markPodsRunning(fake, "apps", "api");
    expect(pods.map((p) => (p.status as Obj).phase)).toEqual(["Running", "Running"]);
    expect(pods.map((p) => (p.status as Obj).podIP)).toEqual(["127.0.0.2", "127.0.0.3"]);
    fake.controller.reconcile();
    const s = await status("api");
    expect(s).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    expect(condition(s, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
  });

  test("a failed image pull keeps the Deployment unavailable, posts an Event and ends at the deadline", async () => {
    fake.controller.setRollout("apps", "bad", "kubelet");
    await request("PATCH", `${base}/bad?fieldManager=flyby`, deployment("bad", 1, 10));
    reconcile(2);
    const { pods, events } = failImagePull(fake, "apps", "bad");
    const pod = pods[0] as Obj;
    expect(waitingOf(pod)).toMatchObject({ reason: "ImagePullBackOff" });
    expect(events).toHaveLength(1);
    const podName = String((pod.metadata as Obj).name);
    const listed = (
      await request("GET", `/api/v1/namespaces/apps/events?fieldSelector=involvedObject.name%3D${podName}`)
    ).body.items as Obj[];
    expect(listed.map((e) => [e.type, e.reason])).toEqual([["Warning", "Failed"]]);
    fake.controller.reconcile();
    expect(condition(await status("bad"), "Available")?.status).toBe("False");
    clock += 11_000;
    fake.controller.reconcile();
    expect(condition(await status("bad"), "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
  });

  /** Creates Deployment `name` (1 replica) whose Pods only the test's kubelet writes, with its ReplicaSet and Pod. */
  const kubeletDeployment = async (name: string) => {
    fake.controller.setRollout("apps", name, "kubelet");
    await request("PATCH", `${base}/${name}?fieldManager=flyby`, deployment(name, 1, 10));
    reconcile(2);
  };

  /** The Deployment stays unavailable; then it is deleted, so the listing tests count what they made. */
  const expectUnavailableThenDelete = async (name: string) => {
    fake.controller.reconcile();
    expect(condition(await status(name), "Available")?.status).toBe("False");
    await request("DELETE", `${base}/${name}`);
  };

  test("a crash-looping container: CrashLoopBackOff with the last termination, a BackOff Event, unavailable", async () => {
    await kubeletDeployment("crash");
    const { pods, events } = crashLoop(fake, "apps", "crash", {
      exitCode: 137,
      message: "OOMKilled",
      restarts: 5,
    });
    const written = (pods[0] as Obj).status as Obj;
    expect(written.phase).toBe("Running");
    const container = (written.containerStatuses as Obj[])[0] as Obj;
    expect(container).toMatchObject({
      ready: false,
      restartCount: 5,
      state: { waiting: { reason: "CrashLoopBackOff" } },
      lastState: { terminated: { exitCode: 137, reason: "Error", message: "OOMKilled" } },
    });
    expect(events.map((e) => [e.type, e.reason, e.count, (e.source as Obj).component])).toEqual([
      ["Warning", "BackOff", 5, "kubelet"],
    ]);
    await expectUnavailableThenDelete("crash");
  });

  test("an unschedulable Pod: PodScheduled=False Unschedulable from the scheduler and a FailedScheduling Event", async () => {
    await kubeletDeployment("gpu");
    const { pods, events } = leaveUnschedulable(fake, "apps", "gpu");
    const written = (pods[0] as Obj).status as Obj;
    expect(written).toMatchObject({
      phase: "Pending",
      conditions: [{ type: "PodScheduled", status: "False", reason: "Unschedulable" }],
    });
    expect(written.podIP).toBeUndefined();
    const listed = (await request("GET", "/api/v1/namespaces/apps/events")).body.items as Obj[];
    const event = listed.find((e) => e.reason === "FailedScheduling");
    expect(event).toMatchObject({
      type: "Warning",
      reportingComponent: "default-scheduler",
      action: "Scheduling",
    });
    expect(event?.message).toBe((events[0] as Obj).message);
    await expectUnavailableThenDelete("gpu");
  });

  test("`imagePullBackOff` mode: the built-in kubelet fails every pull and posts the Event", async () => {
    fake.controller.setRollout("apps", "pull", "imagePullBackOff");
    await request("PATCH", `${base}/pull?fieldManager=flyby`, deployment("pull", 2, 10));
    reconcile(2);
    const pods = (await request("GET", "/api/v1/namespaces/apps/pods?labelSelector=app%3Dpull")).body
      .items as Obj[];
    expect(pods.map((p) => (p.status as Obj).phase)).toEqual(["Pending", "Pending"]);
    const reasons = pods.map((p) => waitingOf(p)?.reason);
    expect(reasons).toEqual(["ImagePullBackOff", "ImagePullBackOff"]);
    const events = (await request("GET", "/api/v1/namespaces/apps/events")).body.items as Obj[];
    const about = new Set(pods.map((p) => (p.metadata as Obj).name));
    expect(events.filter((e) => about.has((e.involvedObject as Obj).name)).map((e) => e.reason)).toEqual([
      "Failed",
      "Failed",
    ]);
    fake.controller.reconcile();
    expect(events.length).toBe(
      ((await request("GET", "/api/v1/namespaces/apps/events")).body.items as Obj[]).length,
    );
    clock += 11_000;
    fake.controller.reconcile();
    const s = await status("pull");
    expect(condition(s, "Available")?.status).toBe("False");
    expect(condition(s, "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
  });

  test("deadlineScale shortens every progress deadline", async () => {
    fake.controller.deadlineScale = 0.1;
    try {
      await request("PATCH", `${base}/quick?fieldManager=flyby`, deployment("quick", 1, 10));
      reconcile(2);
      clock += 900;
      fake.controller.reconcile();
      expect(condition(await status("quick"), "Progressing")?.reason).toBe("ReplicaSetUpdated");
      clock += 200;
      fake.controller.reconcile();
      expect(condition(await status("quick"), "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
    } finally {
      fake.controller.deadlineScale = 1;
    }
  });

  test("observeDelayMs: a new generation shows the old status and conditions until observed (79, 80)", async () => {
    fake.controller.observeDelayMs = 2000;
    try {
      await request(
        "PATCH",
        `${base}/slow?fieldManager=flyby`,
        withImage(deployment("slow", 2, 10), "nginx:2"),
      );
      fake.controller.reconcile();
      clock += 1500;
      fake.controller.reconcile();
      const stale = (await request("GET", `${base}/slow`)).body;
      expect((stale.metadata as Obj).generation).toBe(2);
      expect((stale.status as Obj).observedGeneration).toBe(1);
      expect(condition(stale.status as Obj, "Progressing")?.reason).toBe("ProgressDeadlineExceeded");
      clock += 600;
      fake.controller.reconcile();
      const seen = await status("slow");
      expect(seen.observedGeneration).toBe(2);
      expect(condition(seen, "Progressing")).toMatchObject({
        status: "True",
        reason: "NewReplicaSetCreated",
      });
    } finally {
      fake.controller.observeDelayMs = 0;
    }
  });

  test("controller options: a running controller with an observe delay leaves the stale window open", async () => {
    const timed = new FakeKube({ controller: { defaultMode: "ready", observeDelayMs: 400 } }).start();
    timed.controller.start(5);
    try {
      const call = (method: string, path: string, body?: Obj) =>
        fetch(new URL(path, timed.url), {
          method,
          headers: {
            Authorization: `Bearer ${timed.adminToken}`,
            "Content-Type": "application/apply-patch+yaml",
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        }).then(async (r) => (await r.json()) as Obj);
      await call("PATCH", "/api/v1/namespaces/apps?fieldManager=flyby", {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "apps" },
      });
      const path = `${base}/web`;
      await call("PATCH", `${path}?fieldManager=flyby`, deployment("web", 1));
      const ready = async () => {
        for (let i = 0; i < 500; i++) {
          const d = await call("GET", path);
          const s = (d.status ?? {}) as Obj;
          const settled = condition(s, "Progressing")?.reason === "NewReplicaSetAvailable";
          if (s.observedGeneration === (d.metadata as Obj).generation && settled && s.updatedReplicas === 1)
            return d;
          await Bun.sleep(10);
        }
        throw new Error("never ready");
      };
      await ready();
      const bumped = await call(
        "PATCH",
        `${path}?fieldManager=flyby`,
        withImage(deployment("web", 1), "nginx:2"),
      );
      const right = await call("GET", path);
      expect((bumped.metadata as Obj).generation).toBe(2);
      expect((right.status as Obj).observedGeneration).toBe(1);
      expect(condition(right.status as Obj, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
      const done = await ready();
      expect(done.status).toMatchObject({ observedGeneration: 2, replicas: 1, availableReplicas: 1 });
      expect(((done.metadata as Obj).annotations as Obj)["deployment.kubernetes.io/revision"]).toBe("2");
    } finally {
      await timed.stop();
    }
  });

  test("LIST pages with limit and continue", async () => {
    const first = (await request("GET", `${base}?limit=5`)).body;
    expect((first.items as Obj[]).length).toBe(5);
    const meta = first.metadata as Obj;
    expect(meta.remainingItemCount).toBe(1);
    const second = (await request("GET", `${base}?limit=5&continue=${meta.continue}`)).body;
    expect((second.items as Obj[]).map((i) => (i.metadata as Obj).name)).toEqual(["web"]);
    expect((second.metadata as Obj).continue).toBeUndefined();
  });

  test("a watch from a resourceVersion older than the kept history ends with 410 Expired", async () => {
    const small = new FakeKube({ watchHistory: 2 }).start();
    try {
      const t = small.cluster.resourceForKind("v1", "Namespace");
      for (const name of ["a", "b", "c", "d"]) {
        if (t)
          await small.cluster.apply(
            t,
            undefined,
            name,
            { metadata: { name } },
            { manager: "m", force: false, dryRun: false },
          );
      }
      const res = await fetch(new URL("/api/v1/namespaces?watch=1&resourceVersion=1", small.url), {
        headers: { Authorization: `Bearer ${small.adminToken}` },
      });
      const events = (await res.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Obj);
      expect(events.map((e) => e.type)).toEqual(["ERROR"]);
      expect(events[0]?.object).toMatchObject({ kind: "Status", reason: "Expired", code: 410 });
    } finally {
      await small.stop();
    }
  });

  test("latency applies to every request and a fault hook replaces the answer", async () => {
    const start = performance.now();
    expect((await request("GET", "/api/v1/namespaces/apps/configmaps/flaky")).status).toBe(503);
    expect(performance.now() - start).toBeGreaterThanOrEqual(19);
    expect((await request("GET", "/api/v1/namespaces/apps/configmaps/other")).status).toBe(404);
  });
});
