import { describe, expect, test } from "bun:test";
import { appliedObjectsAnnotation, applySetParent } from "../apply/inventory.ts";
import { type ApplyTarget, NetworkFailure } from "../apply/port.ts";
import type { Environment } from "../core/manifests/environments.ts";
import { exitCodeOf } from "./exit-policy.ts";
import { type ClusterTarget, clusterStatus } from "./status.ts";

const staging = { name: "staging", appNamespace: "staging" } as Environment;
const parent = applySetParent("staging", "staging");

/** A cluster whose ApplySet parent records `sha256` (none: no parent; an Error: unreachable). */
function cluster(name: string, sha256: string | undefined | Error): ClusterTarget {
  const get: ApplyTarget["get"] = async (ref) => {
    if (sha256 instanceof Error) throw sha256;
    if (!sha256 || ref.name !== parent.name || ref.namespace !== parent.namespace) return undefined;
    return {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { ...ref, annotations: { [appliedObjectsAnnotation]: sha256 } },
    };
  };
  const refuse = () => Promise.reject(new Error("status only reads"));
  return { cluster: name, target: { name, get, list: refuse, apply: refuse, delete: refuse } };
}

const status = (clusters: ClusterTarget[]) =>
  clusterStatus({ environments: [staging] }, { clusters: async () => clusters });

describe("status of every cluster of an environment", () => {
  test("the same objects everywhere: in sync, exit 0", async () => {
    const outcome = await status([cluster("east", "a".repeat(64)), cluster("west", "a".repeat(64))]);
    expect(outcome.fleets[0]).toMatchObject({ verdict: "in-sync", sha256: "a".repeat(64) });
    expect(exitCodeOf(outcome)).toBe(0);
  });

  test("no cluster has a parent: never applied, exit 0", async () => {
    const outcome = await status([cluster("east", undefined), cluster("west", undefined)]);
    expect(outcome.fleets[0]?.verdict).toBe("never-applied");
    expect(exitCodeOf(outcome)).toBe(0);
  });

  test("one cluster applied, the other not: the clusters disagree, exit 1", async () => {
    const outcome = await status([cluster("east", "a".repeat(64)), cluster("west", undefined)]);
    expect(outcome.fleets[0]).toMatchObject({
      verdict: "clusters-disagree",
      clusters: [{ cluster: "east", sha256: "a".repeat(64) }, { cluster: "west" }],
    });
    expect(exitCodeOf(outcome)).toBe(1);
  });

  test("a cluster that cannot be read: unknown, its reason kept, exit 3", async () => {
    const down = new NetworkFailure("connection refused (ECONNREFUSED)");
    const outcome = await status([cluster("east", "a".repeat(64)), cluster("west", down)]);
    expect(outcome.fleets[0]?.verdict).toBe("unreachable");
    expect(outcome.fleets[0]?.clusters[1]).toEqual({
      cluster: "west",
      error: "connection refused (ECONNREFUSED)",
    });
    expect(exitCodeOf(outcome)).toBe(3);
  });

  test("anything but a failure of the cluster is not hidden in the report", async () => {
    await expect(status([cluster("east", new TypeError("a bug"))])).rejects.toThrow("a bug");
  });
});
