import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { KubeApplyTarget } from "../adapters/kube-target.ts";
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
});
