import { describe, expect, test } from "bun:test";
import { FakeKube } from "./server.ts";

const base = "http://fake/api/v1";
const configMaps = `${base}/namespaces/default/configmaps`;

/** A fake whose watches end 100 times sooner than asked, with namespace `default`. */
async function session() {
  const fake = new FakeKube({ watchTimeScale: 0.01 });
  const headers = { Authorization: `Bearer ${fake.adminToken}` };
  const post = (url: string, body: object) =>
    fake.handle(
      new Request(url, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  await post(`${base}/namespaces`, { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  const from = String(fake.cluster.resourceVersion);
  return {
    fake,
    watch: (query: string) =>
      fake.handle(new Request(`${configMaps}?watch=1&resourceVersion=${from}&${query}`, { headers })),
    create: (name: string) => post(configMaps, { apiVersion: "v1", kind: "ConfigMap", metadata: { name } }),
  };
}

const eventTypes = async (res: Response) =>
  (await res.text())
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { type: string }).type);

describe("watch with allowWatchBookmarks", () => {
  test("a client that cancels the stream is unsubscribed: later writes succeed", async () => {
    const { fake, watch, create } = await session();
    const res = await watch("allowWatchBookmarks=true&timeoutSeconds=30");
    await res.body?.cancel();
    expect((await create("after-cancel")).status).toBe(201);
    await fake.stop();
  });

  test("a watch whose timeoutSeconds runs out ends with one BOOKMARK after the changes (35, 75)", async () => {
    const { watch, create } = await session();
    const res = await watch("allowWatchBookmarks=true&timeoutSeconds=5");
    await create("during");
    expect(await eventTypes(res)).toEqual(["ADDED", "BOOKMARK"]);
  });

  test("without allowWatchBookmarks the stream just ends", async () => {
    const { watch, create } = await session();
    const res = await watch("timeoutSeconds=5");
    await create("during");
    expect(await eventTypes(res)).toEqual(["ADDED"]);
  });
});
