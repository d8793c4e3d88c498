import { describe, expect, test } from "bun:test";
import { type KubeObject, keyOf } from "../core/kube/object.ts";
import { changedFleet, fleet, median } from "./kube-fleet.ts";
import { objectPath } from "./kubectl-like.ts";

describe("the benchmark fleet", () => {
  test("GIVEN the fleet THEN it holds 1,001 distinct objects of the four kinds", () => {
    const all = fleet();
    expect(all).toHaveLength(1001);
    expect(new Set(all.map(keyOf)).size).toBe(1001);
    expect(new Set(all.map((o) => o.kind))).toEqual(
      new Set(["Namespace", "ConfigMap", "Service", "Deployment"]),
    );
  });

  test("GIVEN 100 changes THEN exactly 100 objects differ from the fleet, and no object is added or lost", () => {
    const before = fleet();
    const after = changedFleet(100);
    expect(after.map(keyOf)).toEqual(before.map(keyOf));
    const differing = after.filter((o, i) => JSON.stringify(o) !== JSON.stringify(before[i]));
    expect(differing).toHaveLength(100);
  });

  test("the kubectl-like client's paths are the API server's", () => {
    const first = (kind: string) => fleet().find((o) => o.kind === kind) as KubeObject;
    expect(objectPath(first("Namespace"))).toBe("/api/v1/namespaces/bench-a");
    expect(objectPath(first("ConfigMap"))).toBe("/api/v1/namespaces/bench-a/configmaps/config-0");
    expect(objectPath(first("Deployment"))).toBe("/apis/apps/v1/namespaces/bench-a/deployments/app-0");
  });

  test("median of an odd and an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
});
