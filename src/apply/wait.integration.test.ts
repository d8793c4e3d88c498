import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { KubeApplyTarget } from "../adapters/kube-target.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { tokenKubeConfig } from "../kube/cluster.ts";
import { deployment, fastDeps, namespace, request } from "../testing/apply/objects.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { applyEnvironment } from "./apply.ts";
import { Action, exitCodeOf, FailureKind } from "./report.ts";

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

describe("--wait", () => {
  test("follows rollouts through a watch and prints live progress until every Deployment is ready", async () => {
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "pending");
    fake.controller.start(15);
    const progress: string[] = [];
    const deps = fastDeps(progress);
    // The api's pods turn ready only once its waiting state has been reported.
    const report = (line: string) => {
      progress.push(line);
      if (line.includes("api 0/3")) fake.controller.setRollout("staging", "api", "ready");
    };
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 10_000 }), {
      ...deps,
      progress: report,
    });
    expect(exitCodeOf([run])).toBe(0);
    expect(run.objects.find((o) => o.ref.name === "api")?.rollout).toBe("3/3 ready");
    expect(progress.some((l) => l.includes("api 0/3"))).toBe(true);
    expect(progress.at(-1)).toBe("prometheus 1/1 ready · api 3/3 ready");
    expect(fake.requests.some((r) => r.verb === "watch")).toBe(true);
    // The server is asked to end each watch before the 60 s watchdog would drop it, and for
    // bookmarks, as kubectl's reflector asks; stopping those watches leaves the fake healthy.
    const watches = fake.requests.filter((r) => r.verb === "watch");
    expect(watches.every((r) => r.query.includes("timeoutSeconds=30"))).toBe(true);
    expect(watches.every((r) => r.query.includes("allowWatchBookmarks=true"))).toBe(true);
  });

  test("a Deployment past its progress deadline fails at once, long before the timeout", async () => {
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const started = Date.now();
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 60_000 }), fastDeps());
    expect(Date.now() - started).toBeLessThan(10_000);
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api).toMatchObject({ action: Action.Failed, failure: FailureKind.Rollout });
    expect(api?.message).toContain("has timed out progressing");
    expect(exitCodeOf([run])).toBe(1);
  });

  test("pods that never become ready hit the timeout: an environment failure", async () => {
    fake.controller.defaultMode = "pending";
    fake.controller.start(15);
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 400 }), fastDeps());
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api).toMatchObject({ action: Action.Failed, failure: FailureKind.Environment });
    expect(api?.message).toContain("not ready before the timeout (0/3)");
    expect(exitCodeOf([run])).toBe(3);
  });

  test("one failed rollout next to one that becomes ready: each keeps its own verdict, exit 1", async () => {
    // GIVEN api fails its progress deadline while prometheus is still rolling out
    fake.controller.defaultMode = "pending";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const controller = fake.controller;
    // prometheus's pods turn ready only after api's failure has been reported
    const report = (line: string) => {
      if (line.includes("failed"))
        setTimeout(() => controller.setRollout("staging", "prometheus", "ready"), 100);
    };
    const started = Date.now();
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 20_000 }), {
      ...fastDeps(),
      progress: report,
    });
    // THEN the wait went on for prometheus, which is reported ready, and api as failed
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(run.objects.find((o) => o.ref.name === "prometheus")).toMatchObject({ rollout: "1/1 ready" });
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api).toMatchObject({ action: Action.Failed, failure: FailureKind.Rollout });
    expect(api?.message).toContain("has timed out progressing");
    expect(run.objects.some((o) => o.message?.includes("not ready before the timeout"))).toBe(false);
    expect(exitCodeOf([run])).toBe(1);
  });

  test("a failed rollout next to one that never becomes ready: the second times out only at the deadline", async () => {
    fake.controller.defaultMode = "pending";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const started = Date.now();
    const run = await applyEnvironment(target, request(stack, { wait: true, timeoutMs: 1500 }), fastDeps());
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(run.objects.find((o) => o.ref.name === "api")).toMatchObject({ failure: FailureKind.Rollout });
    const prometheus = run.objects.find((o) => o.ref.name === "prometheus");
    expect(prometheus).toMatchObject({ action: Action.Failed, failure: FailureKind.Environment });
    expect(prometheus?.message).toContain("not ready before the timeout (0/1)");
    // The environment timed out: the contract's exit 3 outranks the failed rollout.
    expect(exitCodeOf([run])).toBe(3);
  });

  test("the previous rollout's ProgressDeadlineExceeded does not fail the new one", async () => {
    // GIVEN api failed its progress deadline on the first apply
    fake.controller.defaultMode = "ready";
    fake.controller.setRollout("staging", "api", "failing");
    fake.controller.start(15);
    const first = await applyEnvironment(
      target,
      request(stack, { wait: true, timeoutMs: 10_000 }),
      fastDeps(),
    );
    expect(exitCodeOf([first])).toBe(1);
    // WHEN a new image is applied while the controller has not observed it yet
    fake.controller.stop();
    fake.controller.setRollout("staging", "api", "ready");
    const fixed = [stack[0], stack[1], deployment("staging", "api", 3, "nginx:1.27-alpine")] as KubeObject[];
    const progress: string[] = [];
    const report = (line: string) => {
      progress.push(line);
      if (line.includes("api")) fake.controller.start(15);
    };
    const second = await applyEnvironment(target, request(fixed, { wait: true, timeoutMs: 10_000 }), {
      ...fastDeps(),
      progress: report,
    });
    // THEN the stale condition was seen but did not count: the new rollout is ready
    const api = second.objects.find((o) => o.ref.name === "api");
    expect(api).toMatchObject({ action: Action.Configured, rollout: "3/3 ready" });
    expect(progress.some((l) => l.includes("api") && l.includes("failed"))).toBe(false);
    expect(exitCodeOf([second])).toBe(0);
  });
});
