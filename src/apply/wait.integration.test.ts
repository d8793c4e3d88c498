import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { exitCodeOf } from "../app/exit-policy.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { deployment, fastDeps, namespace, request } from "../testing/apply/objects.ts";
import type { RolloutMode } from "../testing/fake-kube/controller.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { type ApplyDeps, applyEnvironment } from "./apply.ts";
import { progressBoard } from "./progress.ts";
import { Action, formatReport, outcomeOf, RolloutState, summarize } from "./report.ts";

let fake: FakeKube;
let target: KubeApplyTarget;
beforeEach(() => {
  fake = new FakeKube().start();
  target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "fake");
});
afterEach(async () => {
  await fake.stop();
});

const stack = [namespace("staging"), deployment("staging", "prometheus", 1), deployment("staging", "api", 3)];

/**
 * Applies the stack and waits while api's Pods get stuck as `mode` says and its progress
 * deadline (600 s) passes in 0.6 s; prometheus becomes ready.
 */
async function stuckRollout(mode: RolloutMode, timeoutMs = 20_000) {
  fake.controller.defaultMode = "ready";
  fake.controller.setRollout("staging", "api", mode);
  fake.controller.deadlineScale = 0.001;
  fake.controller.start(15);
  const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs }), waitDeps());
  return { run, api: run.objects.find((o) => o.ref.name === "api") };
}

/** Real time, and every change of a live line appended at once (a log without the 2 s gap). */
function waitDeps(onLine: (line: string) => void = () => {}): ApplyDeps {
  return {
    ...fastDeps(),
    board: progressBoard({ tty: false, now: Date.now, minGapMs: 0, write: (text) => onLine(text.trimEnd()) }),
  };
}

describe("--wait", () => {
  test("follows rollouts through a watch and prints a live line per workload until each is ready", async () => {
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "pending");
    fake.controller.start(15);
    const progress: string[] = [];
    // The api's pods turn ready only once its waiting state has been reported.
    const deps = waitDeps((line) => {
      progress.push(line);
      if (line.startsWith("api 3/3 updated · 3 unavailable"))
        fake.controller.setRollout("staging", "api", "ready");
    });
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 10_000 }), deps);
    expect(exitCodeOf(outcomeOf([run]))).toBe(0);
    expect(run.objects.find((o) => o.ref.name === "api")?.rollout).toEqual({
      state: RolloutState.Ready,
      progress: "3/3",
    });
    expect(progress).toContain("api 3/3 updated · 3 unavailable");
    const last = (name: string) => progress.findLast((l) => l.startsWith(`${name} `));
    expect([last("api"), last("prometheus")]).toEqual(["api 3/3 ready", "prometheus 1/1 ready"]);
    // A log gets a line when it changed, never the same line twice in a row.
    expect(progress.filter((l) => l === "api 3/3 ready")).toHaveLength(1);
    expect(formatReport(run)).toContain("  rollouts: 2 ready, 0 failed, 0 not ready before the timeout\n");
    // The server is asked to end each watch before the 60 s watchdog would drop it, and for
    // bookmarks, as kubectl's reflector asks; stopping those watches leaves the fake healthy.
    const watches = fake.requests.filter((r) => r.verb === "watch");
    expect(watches.length).toBeGreaterThan(0);
    expect(watches.every((r) => r.query.includes("timeoutSeconds=30"))).toBe(true);
    expect(watches.every((r) => r.query.includes("allowWatchBookmarks=true"))).toBe(true);
  });

  test("a created Deployment whose rollout fails counts as created; the verdict is the rollout's, exit 1", async () => {
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 10_000 }), waitDeps());
    expect(summarize(run.objects)).toEqual({ created: 3, configured: 0, unchanged: 0, pruned: 0, failed: 0 });
    expect(run.objects.find((o) => o.ref.name === "api")).toMatchObject({
      action: Action.Created,
      rollout: { state: RolloutState.Failed, progress: "0/3" },
    });
    expect(exitCodeOf(outcomeOf([run]))).toBe(1);
  });

  test("ImagePullBackOff: the failed rollout says which image, from the Pod and the kubelet's Event (81, 82)", async () => {
    const started = Date.now();
    const { run, api } = await stuckRollout("imagePullBackOff");
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(api?.rollout?.state).toBe(RolloutState.Failed);
    expect(api?.rollout?.message).toContain("has timed out progressing");
    const diagnosis = api?.rollout?.diagnosis;
    expect(diagnosis?.pods).toEqual([
      expect.objectContaining({
        container: "api",
        reason: "ImagePullBackOff",
        message: 'Back-off pulling image "nginx:1.25-alpine"',
      }),
    ]);
    // Three Pods stuck alike are told once, and the others counted.
    expect(diagnosis?.morePods).toBe(2);
    // Only the Events of the Pod told: the other two Pods' Events would say the same.
    expect(diagnosis?.events).toHaveLength(1);
    expect(diagnosis?.events[0]).toMatchObject({ reason: "Failed", count: 1 });
    expect(diagnosis?.events[0]?.message).toStartWith('Failed to pull image "nginx:1.25-alpine"');
    expect(formatReport(run)).toMatch(
      /\n {6}pod api-[a-z0-9]+-[a-z0-9]+ container api: ImagePullBackOff: Back-off pulling/,
    );
    expect(exitCodeOf(outcomeOf([run]))).toBe(1);
  });

  test("CrashLoopBackOff: the reason comes with the last termination's exit code and restarts", async () => {
    const { run, api } = await stuckRollout("crashLoopBackOff");
    expect(api?.rollout?.diagnosis?.pods[0]).toMatchObject({
      container: "api",
      reason: "CrashLoopBackOff",
      restarts: 3,
      lastTermination: { reason: "Error", exitCode: 1 },
    });
    expect(api?.rollout?.diagnosis?.events[0]).toMatchObject({ reason: "BackOff", count: 3 });
    const text = formatReport(run);
    expect(text).toContain("container api: CrashLoopBackOff: back-off 40s restarting failed container=api");
    expect(text).toContain("; 3 restarts; last terminated: Error, exit code 1");
    expect(text).toMatch(
      /Warning BackOff pod\/api-\S+ \(x3\): Back-off restarting failed container api in pod/,
    );
  });

  test("Unschedulable: the scheduling failure from PodScheduled and the FailedScheduling Event", async () => {
    const { api } = await stuckRollout("unschedulable");
    const diagnosis = api?.rollout?.diagnosis;
    expect(diagnosis?.pods[0]).toMatchObject({ reason: "Unschedulable" });
    expect(diagnosis?.pods[0]?.message).toStartWith(
      "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
    );
    expect(diagnosis?.pods[0]).not.toHaveProperty("container");
    // The scheduler writes through events.k8s.io: no count, so the Event counts once.
    expect(diagnosis?.events[0]).toMatchObject({ reason: "FailedScheduling", count: 1 });
  });

  test("a timeout says why the Pods are not ready, exit 3", async () => {
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "crashLoopBackOff");
    fake.controller.start(15);
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 600 }), waitDeps());
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api?.rollout).toMatchObject({ state: RolloutState.TimedOut, progress: "0/3" });
    expect(api?.rollout?.diagnosis?.pods[0]?.reason).toBe("CrashLoopBackOff");
    expect(formatReport(run)).toContain("api · not ready before the timeout (0/3)");
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
  });

  test("a Deployment past its progress deadline fails at once, long before the timeout", async () => {
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const started = Date.now();
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 60_000 }), waitDeps());
    expect(Date.now() - started).toBeLessThan(10_000);
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api?.rollout?.state).toBe(RolloutState.Failed);
    expect(api?.rollout?.message).toContain("has timed out progressing");
    expect(exitCodeOf(outcomeOf([run]))).toBe(1);
  });

  test("pods that never become ready hit the timeout: an environment failure", async () => {
    fake.controller.defaultMode = "pending";
    fake.controller.start(15);
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 400 }), waitDeps());
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api).toMatchObject({
      action: Action.Created,
      rollout: { state: RolloutState.TimedOut, progress: "0/3" },
    });
    // Pending Pods with no status say nothing: no reason is made up.
    expect(api?.rollout?.diagnosis).toEqual({ pods: [], morePods: 0, events: [] });
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
  });

  test("one failed rollout next to one that becomes ready: each keeps its own verdict, exit 1", async () => {
    // GIVEN api fails its progress deadline while prometheus is still rolling out
    fake.controller.defaultMode = "pending";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const controller = fake.controller;
    // prometheus's pods turn ready only after api's failure has been reported
    const deps = waitDeps((line) => {
      if (line.includes("progress deadline exceeded"))
        setTimeout(() => controller.setRollout("staging", "prometheus", "ready"), 100);
    });
    const started = Date.now();
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 20_000 }), deps);
    // THEN the wait went on for prometheus, which is reported ready, and api as failed
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.objects.find((o) => o.ref.name === "prometheus")?.rollout?.state).toBe(RolloutState.Ready);
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api?.rollout?.state).toBe(RolloutState.Failed);
    expect(api?.rollout?.message).toContain("has timed out progressing");
    expect(run.objects.some((o) => o.rollout?.state === RolloutState.TimedOut)).toBe(false);
    expect(exitCodeOf(outcomeOf([run]))).toBe(1);
  });

  test("a failed rollout next to one that never becomes ready: the second times out only at the deadline", async () => {
    fake.controller.defaultMode = "pending";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const started = Date.now();
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 1500 }), waitDeps());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(run.objects.find((o) => o.ref.name === "api")?.rollout?.state).toBe(RolloutState.Failed);
    const prometheus = run.objects.find((o) => o.ref.name === "prometheus");
    expect(prometheus?.rollout).toMatchObject({ state: RolloutState.TimedOut, progress: "0/1" });
    // The environment timed out: the contract's exit 3 outranks the failed rollout.
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
  });

  test("the previous rollout's ProgressDeadlineExceeded does not fail the new one", async () => {
    // GIVEN api failed its progress deadline on the first apply
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const first = await applyEnvironment(
      target,
      request(stack, { wait: true, timeoutMs: 10_000 }),
      waitDeps(),
    );
    expect(exitCodeOf(outcomeOf([first]))).toBe(1);
    // WHEN a new image is applied while the controller has not observed it yet
    fake.controller.stop();
    fake.controller.setRollout("staging", "api", "ready");
    const fixed = [stack[0], stack[1], deployment("staging", "api", 3, "nginx:1.27-alpine")] as KubeObject[];
    const progress: string[] = [];
    const deps = waitDeps((line) => {
      progress.push(line);
      if (line.startsWith("api")) fake.controller.start(15);
    });
    const second = await applyEnvironment(target, request(fixed, { wait: true, timeoutMs: 10_000 }), deps);
    // THEN the stale condition was seen but did not count: the new rollout is ready
    const api = second.objects.find((o) => o.ref.name === "api");
    expect(api).toMatchObject({
      action: Action.Configured,
      rollout: { state: RolloutState.Ready, progress: "3/3" },
    });
    expect(progress.some((l) => l.startsWith("api") && l.includes("deadline exceeded"))).toBe(false);
    expect(exitCodeOf(outcomeOf([second]))).toBe(0);
  });
});
