import { beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { applySetParent, parentObject, withMembership } from "../apply/inventory.ts";
import { ApiFailure, type ApplyTarget, NetworkFailure } from "../apply/port.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { type Environment, loadEnvironments } from "../core/manifests/environments.ts";
import { Redactor } from "../diff/redact.ts";
import { renderText } from "../diff/report.ts";
import { deployAndVerify } from "../promote/deploy.ts";
import { stagingBundleOf } from "../testing/bundles.ts";
import { repoRoot } from "../testing/cli.ts";
import { memoryDeps } from "../testing/memory-deploy.ts";
import { type DriftPorts, drift } from "./drift.ts";
import { exitCodeOf } from "./exit-policy.ts";
import type { ClusterTarget } from "./status.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const staging: Environment = loadEnvironments(tree).get("staging");
const parent = applySetParent(staging.name, staging.appNamespace);

/** A Secret the last apply wrote and the bundle no longer has: the diff shows its removal, values masked. */
const leftover: KubeObject = withMembership(
  {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "old-credentials", namespace: staging.appNamespace },
    data: { password: btoa("hunter2-not-for-reports") },
  },
  parent,
);

/** A cluster whose ApplySet holds only `leftover`: every object of the bundle would be added. */
function answering(name: string): ClusterTarget {
  const record = { groupKinds: ["Secret"], namespaces: [staging.appNamespace] };
  const target: ApplyTarget = {
    name,
    server: `https://${name}.test`,
    async get(ref) {
      return ref.kind === "ConfigMap" && ref.name === parent.name ? parentObject(parent, record) : undefined;
    },
    async list(kind, namespace) {
      return kind.kind === "Secret" && namespace === staging.appNamespace ? [leftover] : [];
    },
    apply: () => Promise.reject(new Error("drift does not write")),
    delete: () => Promise.reject(new Error("drift does not write")),
  };
  return { cluster: name, target };
}

/** A cluster whose API server fails every request with `error`. */
function failing(name: string, error: Error): ClusterTarget {
  const fail = () => Promise.reject(error);
  return {
    cluster: name,
    target: {
      name: `cluster:${name}`,
      server: "https://10.0.0.9",
      get: fail,
      list: fail,
      apply: fail,
      delete: fail,
    },
  };
}

let ports: Omit<DriftPorts, "clusters" | "redactor">;

beforeAll(async () => {
  const deps = memoryDeps();
  const bundle = await stagingBundleOf(tree, "a".repeat(40));
  await deployAndVerify(deps, bundle, bundle.content.commit);
  ports = { ledger: deps.ledger, store: deps.store, now: () => "2026-11-30T09:00:00Z" };
});

const run = (clusters: ClusterTarget[], salt: string, fleet = true) =>
  drift(
    { environments: [staging], syncIssues: false, fleet },
    { ...ports, clusters: async () => clusters, redactor: new Redactor(salt) },
  );

describe("drift", () => {
  test("GIVEN a fixed salt THEN the redacted report is the same twice, and another salt changes only the hashes", async () => {
    const first = renderText((await run([answering("east")], "fixed-salt")).answers, false);
    const second = renderText((await run([answering("east")], "fixed-salt")).answers, false);
    const other = renderText((await run([answering("east")], "other-salt")).answers, false);
    expect(first).toContain("- Secret staging/old-credentials removed");
    expect(first).toContain("<redacted sha256:");
    expect(first).not.toContain(btoa("hunter2-not-for-reports"));
    expect(second).toBe(first);
    expect(other).not.toBe(first);
    const hashes = /<redacted sha256:[0-9a-f]{8}>/g;
    expect(other.replace(hashes, "")).toBe(first.replace(hashes, ""));
  });

  test("GIVEN one cluster of the fleet cannot be reached THEN the other's drift is kept, the failed one is named with its URL, exit 3", async () => {
    const refused = new NetworkFailure(
      "cannot reach the Kubernetes API at https://10.0.0.9: connection refused",
    );
    const outcome = await run([answering("east"), failing("west", refused)], "s");
    const [env] = outcome.environments;
    if (!env || env.neverDeployed) throw new Error("staging was deployed");
    expect(env.clusters.map((c) => c.cluster)).toEqual(["east", "west"]);
    expect(env.clusters[1]?.answer).toEqual({
      environment: "staging",
      against: "cluster west",
      unreachable:
        "cannot diff against cluster:west: cannot reach the Kubernetes API at https://10.0.0.9: connection refused",
    });
    expect(outcome.changes).toBeGreaterThan(0);
    expect(exitCodeOf(outcome)).toBe(3);
  });

  test("GIVEN a cluster answers 503 THEN its line gives the status and the API server's URL", async () => {
    const busy = new ApiFailure(
      503,
      "ServiceUnavailable",
      "the server is currently unable to handle the request",
    );
    const outcome = await run([failing("west", busy)], "s");
    expect(renderText(outcome.answers, false)).toBe(
      "staging against cluster west: unreachable: cannot diff against cluster:west: 503 ServiceUnavailable: the server is currently unable to handle the request (https://10.0.0.9)\n\n",
    );
    expect(exitCodeOf(outcome)).toBe(3);
  });

  test("GIVEN the kubeconfig's own cluster cannot be reached (no fleet) THEN the run fails as before", async () => {
    const refused = new NetworkFailure(
      "cannot reach the Kubernetes API at https://10.0.0.9: connection refused",
    );
    await expect(run([failing("", refused)], "s", false)).rejects.toThrow("connection refused");
  });
});
