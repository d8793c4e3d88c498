import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { KubeApplyTarget } from "../adapters/kube-target.ts";
import { tokenKubeConfig } from "../kube/cluster.ts";
import {
  configMap,
  deployment,
  fastDeps,
  namespace,
  request,
  seedAs,
  service,
} from "../testing/apply/objects.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { applyEnvironment } from "./apply.ts";
import { summarize } from "./report.ts";

let fake: FakeKube;
let target: KubeApplyTarget;
const writes = () =>
  fake.requests.filter((r) => r.verb === "patch" || r.verb === "delete" || r.verb === "create");

beforeEach(() => {
  fake = new FakeKube().start();
  target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "fake");
});
afterEach(async () => {
  await fake.stop();
});

const stack = [
  namespace("staging"),
  configMap("staging", "api-config"),
  service("staging", "api"),
  deployment("staging", "api", 2),
  deployment("staging", "worker", 1),
];

describe("apply against the fake API server", () => {
  test("GIVEN a fresh cluster WHEN applied twice THEN the second run writes nothing", async () => {
    const first = await applyEnvironment(target, request(stack), fastDeps());
    expect(summarize(first.objects)).toEqual({
      created: 5,
      configured: 0,
      unchanged: 0,
      pruned: 0,
      failed: 0,
    });
    const firstWrites = writes().length;
    const second = await applyEnvironment(target, request(stack), fastDeps());
    expect(summarize(second.objects)).toEqual({
      created: 0,
      configured: 0,
      unchanged: 5,
      pruned: 0,
      failed: 0,
    });
    expect(writes().length).toBe(firstWrites);
  });

  test("a changed field is configured, and an object dropped from the render is pruned", async () => {
    await applyEnvironment(target, request(stack), fastDeps());
    const next = [...stack.slice(0, 3), deployment("staging", "api", 3)];
    const run = await applyEnvironment(target, request(next, { prune: true }), fastDeps());
    expect(summarize(run.objects)).toEqual({ created: 0, configured: 1, unchanged: 3, pruned: 1, failed: 0 });
    expect(run.objects.find((o) => o.action === "pruned")?.ref.name).toBe("worker");
    const deployments = await target.list({ apiVersion: "apps/v1", kind: "Deployment" }, "staging");
    expect(deployments.map((d) => d.metadata.name)).toEqual(["api"]);
  });

  test("removing a Namespace is refused unless --allow-destructive names it", async () => {
    await applyEnvironment(
      target,
      request([...stack, namespace("extra")], { namespaces: ["staging", "extra"] }),
      fastDeps(),
    );
    const refused = await applyEnvironment(target, request(stack, { prune: true }), fastDeps());
    expect(refused.problems.join("\n")).toContain("--allow-destructive Namespace//extra");
    expect(summarize(refused.objects).pruned).toBe(0);
    expect(await target.get({ group: "", version: "v1", kind: "Namespace", name: "extra" })).toBeDefined();
    const allowed = await applyEnvironment(
      target,
      request(stack, { prune: true, allowDestructive: new Set(["Namespace//extra"]) }),
      fastDeps(),
    );
    expect(summarize(allowed.objects).pruned).toBe(1);
  });

  test("objects outside the inventory are never touched by pruning", async () => {
    await seedAs(fake, "kubectl", namespace("staging"));
    await applyEnvironment(target, request(stack), fastDeps());
    await seedAs(fake, "kubectl", configMap("staging", "someone-elses"));
    const run = await applyEnvironment(target, request(stack, { prune: true }), fastDeps());
    expect(summarize(run.objects).pruned).toBe(0);
    const ref = { group: "", version: "v1", kind: "ConfigMap", namespace: "staging", name: "someone-elses" };
    expect(await target.get(ref)).toBeDefined();
  });
});
