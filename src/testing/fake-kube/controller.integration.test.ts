import { afterAll, beforeAll, describe, expect, test } from "bun:test";
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
    fake.controller.reconcile();
    const s = await status("web");
    expect(s).toMatchObject({ observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(condition(s, "Available")?.status).toBe("True");
    expect(condition(s, "Progressing")?.reason).toBe("NewReplicaSetAvailable");
  });

  test("a `pending` rollout passes its progress deadline as time advances", async () => {
    await request("PATCH", `${base}/slow?fieldManager=flyby`, deployment("slow", 2, 10));
    fake.controller.reconcile();
    expect(condition(await status("slow"), "Progressing")?.reason).toBe("ReplicaSetUpdated");
    clock += 11_000;
    fake.controller.reconcile();
    const p = condition(await status("slow"), "Progressing");
    expect(p).toMatchObject({ status: "False", reason: "ProgressDeadlineExceeded" });
  });

  test("a changed template makes a new ReplicaSet and revision", async () => {
    const next = deployment("web", 3);
    ((((next.spec as Obj).template as Obj).spec as Obj).containers as Obj[])[0] = {
      name: "web",
      image: "nginx:1.27",
    };
    await request("PATCH", `${base}/web?fieldManager=flyby`, next);
    fake.controller.reconcile();
    const web = (await request("GET", `${base}/web`)).body;
    expect((web.metadata as Obj).annotations).toMatchObject({ "deployment.kubernetes.io/revision": "2" });
    const sets = (await request("GET", "/apis/apps/v1/namespaces/apps/replicasets?labelSelector=app%3Dweb"))
      .body;
    expect((sets.items as Obj[]).length).toBe(1);
  });

  test("LIST pages with limit and continue", async () => {
    const first = (await request("GET", `${base}?limit=1`)).body;
    expect((first.items as Obj[]).length).toBe(1);
    const meta = first.metadata as Obj;
    expect(meta.remainingItemCount).toBe(1);
    const second = (await request("GET", `${base}?limit=1&continue=${meta.continue}`)).body;
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
