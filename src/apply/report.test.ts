import { describe, expect, test } from "bun:test";
import { Action, type ApplyReport, exitCodeOf, FailureKind, type ObjectOutcome } from "./report.ts";

const deployment = (name: string, outcome: Partial<ObjectOutcome>): ObjectOutcome => ({
  ref: { group: "apps", version: "v1", kind: "Deployment", namespace: "staging", name },
  action: Action.Configured,
  ...outcome,
});
const run = (...objects: ObjectOutcome[]): ApplyReport => ({
  target: "t",
  dryRun: false,
  objects,
  problems: [],
  requests: { retries: 0 },
});
const failed = { action: Action.Failed, failure: FailureKind.Rollout, message: "progress deadline exceeded" };
const timedOut = {
  action: Action.Failed,
  failure: FailureKind.Environment,
  message: "not ready before the timeout",
};

describe("exit codes of rollouts", () => {
  test("one failed rollout next to ready ones is exit 1, the answer is not clean", () => {
    expect(exitCodeOf([run(deployment("api", failed), deployment("web", { rollout: "1/1 ready" }))])).toBe(1);
  });

  test("a workload still not ready at the deadline is exit 3, the environment timed out, whatever else failed", () => {
    expect(exitCodeOf([run(deployment("api", failed), deployment("web", timedOut))])).toBe(3);
  });

  test("all ready is exit 0", () => {
    expect(exitCodeOf([run(deployment("api", { rollout: "3/3 ready" }))])).toBe(0);
  });
});
