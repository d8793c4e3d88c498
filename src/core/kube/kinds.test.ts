import { describe, expect, test } from "bun:test";
import { FakeKube } from "../../testing/fake-kube/server.ts";
import coreV1 from "../../testing/fake-kube/testdata/kube-apiserver-v1.26/04-discovery-api-v1.json" with {
  type: "json",
};
import appsV1 from "../../testing/fake-kube/testdata/kube-apiserver-v1.26/05-discovery-apps-v1.json" with {
  type: "json",
};
import { builtInResource } from "./kinds.ts";

const recorded = [coreV1, appsV1].flatMap((r) =>
  r.response.body.resources
    .filter((x) => !x.name.includes("/"))
    .map((x) => ({
      apiVersion: r.response.body.groupVersion,
      kind: x.kind,
      plural: x.name,
      namespaced: x.namespaced,
    })),
);

describe("built-in resources need no discovery", () => {
  test("each one a v1.26 API server recorded is served where its discovery said", () => {
    const known = recorded.filter((r) => builtInResource(r.apiVersion, r.kind));
    expect(known.map((r) => r.kind)).toEqual(
      expect.arrayContaining([
        "Namespace",
        "ConfigMap",
        "Secret",
        "Service",
        "Pod",
        "Deployment",
        "StatefulSet",
      ]),
    );
    for (const r of known) {
      expect({ kind: r.kind, ...builtInResource(r.apiVersion, r.kind) }).toEqual({
        kind: r.kind,
        plural: r.plural,
        namespaced: r.namespaced,
      });
    }
  });

  test("the other groups' ones match the fake API server's discovery, written from the v1.26 API reference", () => {
    const cluster = new FakeKube().cluster;
    for (const [apiVersion, kind] of [
      ["batch/v1", "CronJob"],
      ["networking.k8s.io/v1", "NetworkPolicy"],
      ["rbac.authorization.k8s.io/v1", "ClusterRole"],
      ["autoscaling/v2", "HorizontalPodAutoscaler"],
      ["apiextensions.k8s.io/v1", "CustomResourceDefinition"],
    ] as const) {
      const served = cluster.resourceForKind(apiVersion, kind)?.resource;
      expect(builtInResource(apiVersion, kind)).toEqual({
        plural: served?.name ?? "(not served)",
        namespaced: served?.namespaced ?? false,
      });
    }
  });

  test("a kind the table does not hold, or a version it does not name, is left to discovery", () => {
    expect(builtInResource("monitoring.coreos.com/v1", "ServiceMonitor")).toBeUndefined();
    expect(builtInResource("apps/v1beta1", "Deployment")).toBeUndefined();
  });
});
