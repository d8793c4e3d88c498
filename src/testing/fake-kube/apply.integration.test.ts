import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Obj } from "./schema.ts";
import { FakeKube } from "./server.ts";

/** Server-side apply semantics beyond the recorded cases: field removal, ownership, dry runs. */
const fake = new FakeKube();

async function apply(body: Obj, query: string): Promise<{ status: number; body: Obj }> {
  const meta = body.metadata as Obj;
  const res = await fetch(new URL(`/api/v1/namespaces/ns/configmaps/${meta.name}?${query}`, fake.url), {
    method: "PATCH",
    headers: { Authorization: `Bearer ${fake.adminToken}`, "Content-Type": "application/apply-patch+yaml" },
    body: Bun.YAML.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Obj };
}

const cm = (data: Record<string, string>, labels?: Record<string, string>): Obj => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "settings", namespace: "ns", ...(labels ? { labels } : {}) },
  data,
});

beforeAll(async () => {
  fake.start();
  const t = fake.cluster.resourceForKind("v1", "Namespace");
  if (t)
    await fake.cluster.apply(
      t,
      undefined,
      "ns",
      { metadata: { name: "ns" } },
      { manager: "flyby", force: false, dryRun: false },
    );
});
afterAll(async () => {
  await fake.stop();
});

describe("server-side apply on the fake API server", () => {
  test("a field the manager stops applying is removed; one another manager owns stays", async () => {
    expect((await apply(cm({ a: "1", b: "2" }, { team: "x" }), "fieldManager=flyby")).status).toBe(201);
    expect((await apply(cm({ c: "3" }), "fieldManager=other")).status).toBe(200);
    const after = (await apply(cm({ a: "1" }), "fieldManager=flyby")).body;
    expect(after.data).toEqual({ a: "1", c: "3" });
    expect((after.metadata as Obj).labels).toBeUndefined();
  });

  test("changing another manager's field conflicts unless forced; equal values share ownership", async () => {
    const conflict = await apply(cm({ a: "1", c: "changed" }), "fieldManager=flyby");
    expect(conflict.status).toBe(409);
    expect(conflict.body.message).toBe('Apply failed with 1 conflict: conflict with "other": .data.c');
    expect((await apply(cm({ a: "1", c: "3" }), "fieldManager=flyby")).status).toBe(200);
    const forced = await apply(cm({ a: "1", c: "mine" }), "fieldManager=flyby&force=true");
    expect(forced.status).toBe(200);
    const managers = ((forced.body.metadata as Obj).managedFields as Obj[]).map((e) => e.manager);
    expect(managers).toEqual(["flyby"]);
  });

  test("a dry run answers the would-be object and stores nothing", async () => {
    const before = fake.cluster.resourceVersion;
    const dry = await apply(cm({ a: "dry" }), "fieldManager=flyby&dryRun=All");
    expect((dry.body.data as Obj).a).toBe("dry");
    expect(fake.cluster.resourceVersion).toBe(before);
  });

  test("merge and JSON patches update as the manager that sends them; a failed JSON patch test is refused", async () => {
    const url = new URL("/api/v1/namespaces/ns/configmaps/settings?fieldManager=kubectl-patch", fake.url);
    const patch = (type: string, body: unknown) =>
      fetch(url, {
        method: "PATCH",
        headers: { Authorization: `Bearer ${fake.adminToken}`, "Content-Type": type },
        body: JSON.stringify(body),
      });
    const merged = (await (await patch("application/merge-patch+json", { data: { d: "4" } })).json()) as Obj;
    expect((merged.data as Obj).d).toBe("4");
    const patched = await patch("application/json-patch+json", [
      { op: "replace", path: "/data/d", value: "5" },
    ]);
    expect(((await patched.json()) as Obj).data).toMatchObject({ d: "5" });
    const refused = await patch("application/json-patch+json", [
      { op: "test", path: "/data/d", value: "nope" },
    ]);
    expect(refused.status).toBe(422);
  });

  test("LIST and WATCH filter by field selector", async () => {
    const res = await fetch(new URL("/api/v1/configmaps?fieldSelector=metadata.name%3Dsettings", fake.url), {
      headers: { Authorization: `Bearer ${fake.adminToken}` },
    });
    const list = (await res.json()) as Obj;
    expect((list.items as Obj[]).map((i) => (i.metadata as Obj).name)).toEqual(["settings"]);
    const none = await fetch(new URL("/api/v1/configmaps?fieldSelector=metadata.name%3Dother", fake.url), {
      headers: { Authorization: `Bearer ${fake.adminToken}` },
    });
    expect(((await none.json()) as Obj).items).toEqual([]);
  });
});
