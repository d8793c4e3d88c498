import { describe, expect, test } from "bun:test";
import type { KubeObject } from "../core/kube/object.ts";
import { classifyFailure, fieldPathOf } from "./failure.ts";
import { ApiFailure, NetworkFailure } from "./port.ts";
import { FailureKind } from "./report.ts";
import { backoffMs, isRetryable, withRetry } from "./retry.ts";
import { rolloutVerdictOf } from "./wait.ts";

const deployment = (generation: number, status: Record<string, unknown>): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: "staging", generation },
  spec: { replicas: 3 },
  status,
});

describe("rollout verdicts", () => {
  test("a Deployment is ready when the controller saw the change and all updated replicas are available", () => {
    expect(rolloutVerdictOf(deployment(2, { observedGeneration: 1 })).state).toBe("progressing");
    expect(
      rolloutVerdictOf(
        deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 2 }),
      ),
    ).toMatchObject({ state: "progressing", progress: "2/3" });
    expect(
      rolloutVerdictOf(
        deployment(2, { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }),
      ).state,
    ).toBe("progressing");
    expect(
      rolloutVerdictOf(
        deployment(2, { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
      ),
    ).toMatchObject({ state: "ready", progress: "3/3" });
  });

  test("ProgressDeadlineExceeded fails at once", () => {
    const stuck = deployment(1, {
      observedGeneration: 1,
      conditions: [
        {
          type: "Progressing",
          status: "False",
          reason: "ProgressDeadlineExceeded",
          message: 'ReplicaSet "api-x" has timed out progressing.',
        },
      ],
    });
    expect(rolloutVerdictOf(stuck)).toMatchObject({
      state: "failed",
      message: 'ReplicaSet "api-x" has timed out progressing.',
    });
  });

  test("StatefulSets, DaemonSets, claims and CRDs", () => {
    const sts = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", generation: 1 },
      spec: { replicas: 2 },
    };
    expect(
      rolloutVerdictOf({
        ...sts,
        status: {
          observedGeneration: 1,
          updatedReplicas: 2,
          readyReplicas: 1,
          currentRevision: "a",
          updateRevision: "a",
        },
      }).state,
    ).toBe("progressing");
    expect(
      rolloutVerdictOf({
        ...sts,
        status: {
          observedGeneration: 1,
          updatedReplicas: 2,
          readyReplicas: 2,
          currentRevision: "a",
          updateRevision: "a",
        },
      }).state,
    ).toBe("ready");
    const ds = { apiVersion: "apps/v1", kind: "DaemonSet", metadata: { name: "exporter", generation: 1 } };
    expect(
      rolloutVerdictOf({
        ...ds,
        status: {
          observedGeneration: 1,
          desiredNumberScheduled: 2,
          updatedNumberScheduled: 2,
          numberAvailable: 2,
        },
      }).state,
    ).toBe("ready");
    const pvc = { apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data" } };
    expect(rolloutVerdictOf({ ...pvc, status: { phase: "Pending" } }).state).toBe("progressing");
    expect(rolloutVerdictOf({ ...pvc, status: { phase: "Bound" } }).state).toBe("ready");
    const crd = {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "x" },
    };
    expect(
      rolloutVerdictOf({ ...crd, status: { conditions: [{ type: "Established", status: "True" }] } }).state,
    ).toBe("ready");
  });
});

describe("retries", () => {
  test("429, 5xx and resets are retried; other answers are not", () => {
    expect(isRetryable(new ApiFailure(429, "TooManyRequests", ""))).toBe(true);
    expect(isRetryable(new ApiFailure(503, "ServiceUnavailable", ""))).toBe(true);
    expect(isRetryable(new NetworkFailure("ECONNRESET"))).toBe(true);
    expect(isRetryable(new ApiFailure(422, "Invalid", ""))).toBe(false);
    expect(isRetryable(new ApiFailure(409, "Conflict", ""))).toBe(false);
  });

  test("Retry-After wins; otherwise exponential backoff with full jitter, capped", () => {
    const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };
    expect(backoffMs(policy, 0, new ApiFailure(429, "", "", { retryAfterSeconds: 2 }), () => 0.5)).toBe(1000);
    expect(backoffMs(policy, 0, new ApiFailure(429, "", "", { retryAfterSeconds: 0 }), () => 0.5)).toBe(0);
    expect(backoffMs(policy, 3, new NetworkFailure("x"), () => 0.5)).toBe(400);
    expect(backoffMs(policy, 9, new NetworkFailure("x"), () => 0.99)).toBe(990);
  });

  test("gives up after the policy's attempts and rethrows the last failure", async () => {
    const slept: number[] = [];
    let calls = 0;
    const env = { sleep: async (ms: number) => void slept.push(ms), random: () => 1 };
    const failing = withRetry(
      async () => {
        calls++;
        throw new ApiFailure(500, "InternalError", "etcd timeout");
      },
      { attempts: 4, baseMs: 10, maxMs: 50 },
      env,
    );
    await expect(failing).rejects.toThrow("etcd timeout");
    expect(calls).toBe(4);
    expect(slept).toEqual([10, 20, 40]);
  });
});

describe("failures", () => {
  test("a 422 points at the template line of the field", () => {
    const rendered = {
      object: deployment(1, {}),
      source: { file: "templates/api.yaml.hbs", line: 1 },
      locate: (path: readonly (string | number)[]) => ({
        file: "templates/api.yaml.hbs",
        line: path.length * 10,
      }),
    };
    const invalid = new ApiFailure(422, "Invalid", 'Deployment.apps "api" is invalid', {
      causes: [{ field: "spec.template.spec.containers[0].image", reason: "FieldValueRequired" }],
    });
    expect(fieldPathOf("spec.template.spec.containers[0].image")).toEqual([
      "spec",
      "template",
      "spec",
      "containers",
      0,
      "image",
    ]);
    expect(classifyFailure(invalid, rendered)).toMatchObject({
      kind: FailureKind.Input,
      source: { line: 60 },
    });
  });

  test("a 409 names the fields and the other manager", () => {
    const conflict = new ApiFailure(409, "Conflict", "Apply failed with 1 conflict", {
      causes: [
        {
          reason: "FieldManagerConflict",
          message: 'conflict with "kubectl-edit" using apps/v1',
          field: ".spec.replicas",
        },
      ],
    });
    expect(classifyFailure(conflict).message).toBe(
      'conflict on .spec.replicas (owned by "kubectl-edit" using apps/v1); --force-conflicts takes these fields over',
    );
  });
});
