import { describe, expect, test } from "bun:test";
import { UsageError } from "../core/errors.ts";
import type { ClusterAccess } from "../smoke/fleet.ts";
import type { PrometheusAccess } from "../smoke/run.ts";
import { clustersToSmoke } from "./smoke.ts";

const viaCluster: PrometheusAccess = { kind: "cluster", kubeconfig: "kc.yaml" };
const byUrl: PrometheusAccess = { kind: "url", url: "http://127.0.0.1:9090" };
const eastWest = (kubeconfig: string | undefined): ClusterAccess[] =>
  ["east", "west"].map((cluster) => ({
    cluster,
    access: { kind: "cluster", ...(kubeconfig ? { kubeconfig } : {}), context: cluster },
  }));

describe("which clusters a smoke run checks", () => {
  test("without gke: the one Prometheus given, unnamed", () => {
    expect(clustersToSmoke(byUrl, "", eastWest)).toEqual([{ cluster: "", access: byUrl }]);
  });

  test("gke env with via-cluster: every cluster, each through its own context of the same kubeconfig", () => {
    expect(clustersToSmoke(viaCluster, "env", eastWest)).toEqual([
      { cluster: "east", access: { kind: "cluster", kubeconfig: "kc.yaml", context: "east" } },
      { cluster: "west", access: { kind: "cluster", kubeconfig: "kc.yaml", context: "west" } },
    ]);
  });

  test("gke env with a Prometheus URL is bad input: one URL cannot stand for several clusters", () => {
    expect(() => clustersToSmoke(byUrl, "env", eastWest)).toThrow(
      new UsageError(
        "--gke env reaches each cluster's Prometheus through that cluster's API server: give --via-cluster, not --prometheus",
      ),
    );
  });

  test("gke takes only env", () => {
    expect(() => clustersToSmoke(viaCluster, "projects/p", eastWest)).toThrow(
      'gke takes "env" (every cluster of the environment), not "projects/p"',
    );
  });
});
