import { describe, expect, test } from "bun:test";
import { exitCodeOf } from "../app/exit-policy.ts";
import {
  Action,
  type ApplyReport,
  formatReport,
  formatReportMarkdown,
  type ObjectOutcome,
  outcomeOf,
  RolloutState,
  reportJson,
  summarize,
} from "./report.ts";

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
const ready = { rollout: { state: RolloutState.Ready, progress: "3/3" } };
const failed = {
  rollout: {
    state: RolloutState.Failed,
    progress: "0/1",
    message: 'ReplicaSet "api-7d44956fff" has timed out progressing.',
    diagnosis: {
      pods: [
        {
          pod: "api-7d44956fff-xjbxp",
          container: "api",
          reason: "ImagePullBackOff",
          message: 'Back-off pulling image "registry.invalid/none:1"',
        },
      ],
      morePods: 0,
      events: [
        {
          object: "pod/api-7d44956fff-xjbxp",
          reason: "Failed",
          message: 'Failed to pull image "registry.invalid/none:1": not found',
          count: 3,
        },
      ],
    },
  },
};
const timedOut = {
  rollout: { state: RolloutState.TimedOut, progress: "0/3", message: "0 of 3 replicas updated" },
};

describe("exit codes of rollouts", () => {
  test("one failed rollout next to ready ones is exit 1, the answer is not clean", () => {
    expect(exitCodeOf(outcomeOf([run(deployment("api", failed), deployment("web", ready))]))).toBe(1);
  });

  test("a workload still not ready at the deadline is exit 3, the environment timed out, whatever else failed", () => {
    expect(exitCodeOf(outcomeOf([run(deployment("api", failed), deployment("web", timedOut))]))).toBe(3);
  });

  test("all ready is exit 0", () => {
    expect(exitCodeOf(outcomeOf([run(deployment("api", ready))]))).toBe(0);
  });
});

describe("the counts say what apply did; the rollout verdict is separate", () => {
  // GIVEN a Deployment apply created whose rollout then failed, and one unchanged whose rollout timed out
  const report = run(
    deployment("api", { action: Action.Created, ...failed }),
    deployment("web", { action: Action.Unchanged, ...timedOut }),
  );

  test("the created object counts as created, not failed", () => {
    expect(summarize(report.objects)).toEqual({
      created: 1,
      configured: 0,
      unchanged: 1,
      pruned: 0,
      failed: 0,
    });
  });

  test("the text report keeps the action, names the verdict and gives the reasons under it", () => {
    const text = formatReport(report);
    expect(text).toContain(
      'created       Deployment staging/api · rollout failed (0/1): ReplicaSet "api-7d44956fff" has timed out progressing.',
    );
    expect(text).toContain(
      '      pod api-7d44956fff-xjbxp container api: ImagePullBackOff: Back-off pulling image "registry.invalid/none:1"',
    );
    expect(text).toContain(
      '      Warning Failed pod/api-7d44956fff-xjbxp (x3): Failed to pull image "registry.invalid/none:1": not found',
    );
    // An unchanged object is listed only because its rollout did not finish.
    expect(text).toContain(
      "unchanged     Deployment staging/web · not ready before the timeout (0/3): 0 of 3 replicas updated",
    );
    expect(text).toContain("  1 created, 0 configured, 1 unchanged, 0 pruned, 0 failed\n");
    expect(text).toContain("  rollouts: 0 ready, 1 failed, 1 not ready before the timeout\n");
  });

  test("--json gives the verdict and its reasons as fields", () => {
    const json = reportJson(report.objects[0] as ObjectOutcome);
    expect(json).toMatchObject({
      action: "created",
      rollout: {
        state: "failed",
        progress: "0/1",
        diagnosis: { pods: [{ pod: "api-7d44956fff-xjbxp", container: "api", reason: "ImagePullBackOff" }] },
      },
    });
    expect(json).not.toHaveProperty("message");
  });

  test("the job summary lists the failed rollouts with their reasons", () => {
    const md = formatReportMarkdown([report]);
    expect(md).toContain("| `t` | 1 | 0 | 1 | 0 | 0 | 0 |");
    expect(md).toContain("- `t` created       Deployment staging/api · rollout failed (0/1)");
    expect(md).toContain("  - pod api-7d44956fff-xjbxp container api: ImagePullBackOff");
    expect(md).toContain("- `t` unchanged     Deployment staging/web · not ready before the timeout (0/3)");
  });
});
