import { describe, expect, test } from "bun:test";
import type { ObjectDiff } from "../diff/object-diff.ts";
import type { BaselineAnswer, EnvironmentDiff } from "../diff/report.ts";
import { type DriftIssues, syncDriftIssue } from "./drift.ts";

const api = {
  group: "apps",
  version: "v1",
  kind: "Deployment",
  namespace: "staging",
  name: "overflying-api",
};
const object = (change: ObjectDiff["change"]): ObjectDiff => ({
  ref: api,
  change,
  paths: change === "changed" ? ["spec.replicas"] : [],
  diff: change === "changed" ? "@@ -1 +1 @@\n-replicas: 1\n+replicas: 6\n" : "",
  risks: [],
});
const on = (cluster: string, change: ObjectDiff["change"]): EnvironmentDiff => ({
  environment: "staging",
  against: `cluster ${cluster}`,
  objects: [object(change)],
  blocked: [],
});
const west: BaselineAnswer = {
  environment: "staging",
  against: "cluster west",
  unreachable: "cannot reach the Kubernetes API at https://10.0.0.9: connection refused",
};

/** Issues in memory; `open` is the number of an issue already open, if any. */
function memoryIssues(open?: number) {
  const calls: string[] = [];
  let body = "";
  const issues: DriftIssues = {
    findOpen: async () => (open === undefined ? undefined : { number: open }),
    create: async (_title, text) => {
      calls.push("create");
      body = text;
      return 1;
    },
    update: async (_issue, text) => {
      calls.push("update");
      body = text;
    },
    close: async () => {
      calls.push("close");
    },
  };
  return { issues, calls, body: () => body };
}

const check = (answers: BaselineAnswer[]) => ({
  environment: "staging",
  bundle: "b".repeat(64),
  deployment: 7,
  ref: "main",
  answers,
});
const at = "2026-11-30T09:00:00Z";

describe("the drift issue when a cluster could not be read", () => {
  test("GIVEN an open issue, east clean and west unreadable THEN the issue stays open: no drift is not shown", async () => {
    const m = memoryIssues(4);
    expect(await syncDriftIssue(m.issues, check([on("east", "unchanged"), west]), at)).toBe("kept");
    expect(m.calls).toEqual([]);
  });

  test("GIVEN no issue, east clean and west unreadable THEN none is opened and the answer is unknown, not clean", async () => {
    const m = memoryIssues();
    expect(await syncDriftIssue(m.issues, check([on("east", "unchanged"), west]), at)).toBe("unknown");
    expect(m.calls).toEqual([]);
  });

  test("GIVEN east drifted and west unreadable THEN the issue shows east's drift and names west with its URL", async () => {
    const m = memoryIssues();
    expect(await syncDriftIssue(m.issues, check([on("east", "changed"), west]), at)).toBe("opened");
    expect(m.body()).toContain("Deployment staging/overflying-api");
    expect(m.body()).toContain(
      "- staging against cluster west: unreachable: cannot reach the Kubernetes API at https://10.0.0.9: connection refused",
    );
  });

  test("GIVEN every cluster read and clean THEN the open issue is closed", async () => {
    const m = memoryIssues(4);
    expect(
      await syncDriftIssue(m.issues, check([on("east", "unchanged"), on("west", "unchanged")]), at),
    ).toBe("closed");
    expect(m.calls).toEqual(["close"]);
  });
});
