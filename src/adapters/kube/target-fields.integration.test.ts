import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { KubeObject } from "../../core/kube/object.ts";
import { FakeKube } from "../../testing/fake-kube/server.ts";
import { tokenKubeConfig } from "./kubeconfig.ts";
import { KubeApplyTarget } from "./target.ts";

// client-node's generated models name some fields differently from the API (`from` is
// `_from` in V1NetworkPolicyPeer); nothing may be lost on the way to the server or back.
const policy: KubeObject = {
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "metrics-from-prometheus", namespace: "staging" },
  spec: {
    podSelector: { matchLabels: { app: "api" } },
    policyTypes: ["Ingress"],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "observability" } } }],
        ports: [{ protocol: "TCP", port: 8000 }],
      },
    ],
  },
};

describe("the Kubernetes adapter keeps every field", () => {
  const fake = new FakeKube({ tokens: { "admin-token": { name: "admin", groups: ["system:masters"] } } });
  beforeAll(async () => {
    fake.start();
    const ns = fake.cluster.resourceForKind("v1", "Namespace");
    if (!ns) throw new Error("no Namespace resource");
    await fake.cluster.apply(
      ns,
      undefined,
      "staging",
      { apiVersion: "v1", kind: "Namespace", metadata: { name: "staging" } },
      {
        manager: "flyby",
        force: false,
        dryRun: false,
      },
    );
  });
  afterAll(async () => {
    await fake.stop();
  });

  test("GIVEN a NetworkPolicy with ingress.from WHEN dry-run applied and listed THEN from survives both ways", async () => {
    const cluster = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "fake");
    const after = await cluster.apply(policy, { force: true, dryRun: true });
    expect((after.spec as { ingress: { from?: unknown }[] }).ingress[0]?.from).toEqual(
      (policy.spec as { ingress: { from: unknown }[] }).ingress[0]?.from,
    );
    const np = fake.cluster.resourceForKind("networking.k8s.io/v1", "NetworkPolicy");
    if (!np) throw new Error("no NetworkPolicy resource");
    await fake.cluster.apply(
      np,
      "staging",
      policy.metadata.name,
      structuredClone(policy) as Record<string, unknown>,
      {
        manager: "flyby",
        force: false,
        dryRun: false,
      },
    );
    const listed = await cluster.list(
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
      "staging",
    );
    expect(listed).toHaveLength(1);
    expect(listed[0]?.spec).toMatchObject({ ingress: [{ from: [{ namespaceSelector: {} }] }] });
  });
});
