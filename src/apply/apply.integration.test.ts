import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { exitCodeOf } from "../app/exit-policy.ts";
import {
  configMap,
  deployment,
  fastDeps,
  namespace,
  rendered,
  request,
  seedAs,
  service,
} from "../testing/apply/objects.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { applyEnvironment } from "./apply.ts";
import { Action, FailureKind, outcomeOf, summarize } from "./report.ts";

let fake: FakeKube;
let target: KubeApplyTarget;
/** A discovery request: `/api/v1`, `/apis/apps/v1`. */
const discovery = /^(\/api\/[^/]+|\/apis\/[^/]+\/[^/]+)$/;
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
    const deletion = fake.requests.find((r) => r.verb === "delete");
    expect(deletion?.path).toBe("/apis/apps/v1/namespaces/staging/deployments/worker");
    expect(deletion?.query).toContain("propagationPolicy=Background");
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
    expect(refused.problems.map((p) => p.message).join("\n")).toContain(
      "--allow-destructive Namespace/extra",
    );
    expect(summarize(refused.objects).pruned).toBe(0);
    expect(await target.get({ group: "", version: "v1", kind: "Namespace", name: "extra" })).toBeDefined();
    const allowed = await applyEnvironment(
      target,
      request(stack, { prune: true, allowDestructive: new Set(["Namespace/extra"]) }),
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

describe("failures the API reports", () => {
  test("a 409 names the field and the other manager; --force-conflicts takes it over", async () => {
    await seedAs(fake, "kubectl", namespace("staging"));
    await seedAs(fake, "kubectl-edit", deployment("staging", "api", 5));
    const run = await applyEnvironment(target, request(stack), fastDeps());
    const api = run.objects.find((o) => o.ref.kind === "Deployment" && o.ref.name === "api");
    expect(api).toMatchObject({ action: Action.Failed, failure: FailureKind.Conflict });
    expect(api?.message).toBe(
      'conflict on .spec.replicas (owned by "kubectl-edit"); --force-conflicts takes these fields over',
    );
    expect(exitCodeOf(outcomeOf([run]))).toBe(1);
    const forced = await applyEnvironment(target, request(stack, { force: true }), fastDeps());
    expect(forced.objects.find((o) => o.ref.kind === "Deployment" && o.ref.name === "api")?.action).toBe(
      Action.Configured,
    );
  });

  test("a 422 points at the template line of the invalid field", async () => {
    const bad = deployment("staging", "api");
    const spec = bad.spec as { template: { metadata: { labels: Record<string, string> } } };
    spec.template.metadata.labels = { app: "something-else" };
    const objects = rendered([namespace("staging"), bad]).map((r, i) =>
      i === 1
        ? {
            ...r,
            locate: (path: readonly (string | number)[]) => ({
              file: "templates/api.yaml.hbs",
              line: 40 + path.length,
            }),
          }
        : r,
    );
    const run = await applyEnvironment(target, { ...request([]), objects }, fastDeps());
    const failed = run.objects.find((o) => o.action === Action.Failed);
    expect(failed?.failure).toBe(FailureKind.Input);
    expect(failed?.message).toContain("is invalid");
    expect(failed?.source?.file).toBe("templates/api.yaml.hbs");
    expect(failed?.source?.line).toBeGreaterThan(40);
    expect(exitCodeOf(outcomeOf([run]))).toBe(2);
  });

  test("CRDs are applied first and waited for until Established, then their objects", async () => {
    fake.controller.start(15);
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        names: { kind: "Widget", plural: "widgets", singular: "widget", listKind: "WidgetList" },
        scope: "Namespaced",
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    };
    const widget = {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w", namespace: "staging" },
      size: 3,
    };
    const objects = [crd, namespace("staging"), widget];
    const run = await applyEnvironment(target, request(objects), fastDeps());
    expect(run.objects.map((o) => `${o.action} ${o.ref.kind}`)).toEqual([
      "created CustomResourceDefinition",
      "created Namespace",
      "created Widget",
    ]);
    const again = await applyEnvironment(target, request(objects), fastDeps());
    expect(summarize(again.objects).unchanged).toBe(3);
    // Built-in kinds need no discovery; only the custom kind's API version is discovered.
    const discovered = new Set(fake.requests.filter((r) => discovery.test(r.path)).map((r) => r.path));
    expect([...discovered]).toEqual(["/apis/example.com/v1"]);
  });

  test("GIVEN a new client WHEN it applies and lists built-in kinds THEN it sends no discovery request", async () => {
    const run = await applyEnvironment(target, request(stack), fastDeps());
    expect(summarize(run.objects).created).toBe(5);
    expect(fake.requests.length).toBeGreaterThan(5);
    expect(fake.requests.filter((r) => discovery.test(r.path))).toEqual([]);
  });
});

describe("--dry-run", () => {
  test("on a fresh cluster: the server is asked where it can answer, nothing is written", async () => {
    const run = await applyEnvironment(target, request(stack, { dryRun: true }), fastDeps());
    expect(summarize(run.objects)).toEqual({ created: 5, configured: 0, unchanged: 0, pruned: 0, failed: 0 });
    expect(run.objects.map((o) => o.ref.kind)).toEqual([
      "Namespace",
      "ConfigMap",
      "Service",
      "Deployment",
      "Deployment",
    ]);
    expect(run.objects[1]?.message).toBe("in namespace staging, created by this run");
    expect(fake.requests.filter((r) => r.verb === "patch").every((r) => r.dryRun)).toBe(true);
    expect(
      await target.get({ group: "", version: "v1", kind: "Namespace", name: "staging" }),
    ).toBeUndefined();
  });
});
