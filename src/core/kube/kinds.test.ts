import { describe, expect, test } from "bun:test";
import { FakeKube } from "../../testing/fake-kube/server.ts";
import coreV1 from "../../testing/fake-kube/testdata/kube-apiserver-v1.26/04-discovery-api-v1.json" with {
  type: "json",
};
import appsV1 from "../../testing/fake-kube/testdata/kube-apiserver-v1.26/05-discovery-apps-v1.json" with {
  type: "json",
};
import { builtInKinds, builtInResource } from "./kinds.ts";

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

/**
 * Kinds neither the recordings nor the fake API server serve, as the v1.26 API reference
 * gives them (cluster-scoped, all three).
 */
const fromReference: Readonly<Record<string, string>> = {
  "networking.k8s.io/v1/IngressClass": "ingressclasses",
  "storage.k8s.io/v1/StorageClass": "storageclasses",
  "scheduling.k8s.io/v1/PriorityClass": "priorityclasses",
};

describe("built-in resources need no discovery", () => {
  const cluster = new FakeKube().cluster;

  test("every kind of the table is served where discovery says: recorded, the fake's, or the API reference's", () => {
    const kinds = builtInKinds();
    expect(kinds.length).toBeGreaterThanOrEqual(27);
    for (const [apiVersion, kind] of kinds) {
      const seen = recorded.find((r) => r.apiVersion === apiVersion && r.kind === kind);
      const served = cluster.resourceForKind(apiVersion, kind)?.resource;
      const reference = fromReference[`${apiVersion}/${kind}`];
      const expected = seen
        ? { plural: seen.plural, namespaced: seen.namespaced }
        : served
          ? { plural: served.name, namespaced: served.namespaced }
          : reference
            ? { plural: reference, namespaced: false }
            : undefined;
      expect({ apiVersion, kind, ...builtInResource(apiVersion, kind) }).toEqual({
        apiVersion,
        kind,
        ...(expected ?? { plural: "(no discovery to check it against)" }),
      });
    }
  });

  test("the recorded core and apps kinds flyby applies are all in the table", () => {
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
  });

  test("a kind the table does not hold, or a version it does not name, is left to discovery", () => {
    expect(builtInResource("monitoring.coreos.com/v1", "ServiceMonitor")).toBeUndefined();
    expect(builtInResource("apps/v1beta1", "Deployment")).toBeUndefined();
  });
});
