import { afterEach, describe, expect, test } from "bun:test";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { configMap, deployment, fastDeps, namespace, request, service } from "../testing/apply/objects.ts";
import { type FaultCounts, randomFaults, seededRandom } from "../testing/fake-kube/faults.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { applyEnvironment } from "./apply.ts";
import { Action, summarize } from "./report.ts";

let fake: FakeKube | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const stack = [
  namespace("staging"),
  ...Array.from({ length: 30 }, (_, i) => configMap("staging", `config-${i}`)),
  ...Array.from({ length: 10 }, (_, i) => service("staging", `svc-${i}`)),
  ...Array.from({ length: 10 }, (_, i) => deployment("staging", `app-${i}`)),
];

describe("faults", () => {
  test("GIVEN 10% of requests fail with 429, 500 or a reset WHEN applying THEN the run converges", async () => {
    const counts: FaultCounts = { tooManyRequests: 0, internalError: 0, connectionReset: 0 };
    fake = new FakeKube({ fault: randomFaults(0.1, seededRandom(42), counts) }).start();
    const target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "fake");
    const first = await applyEnvironment(target, request(stack), fastDeps());
    expect(summarize(first.objects)).toMatchObject({ created: stack.length, failed: 0 });
    expect(first.requests.retries).toBeGreaterThan(0);
    expect(counts.tooManyRequests).toBeGreaterThan(0);
    expect(counts.internalError).toBeGreaterThan(0);
    expect(counts.connectionReset).toBeGreaterThan(0);
    const second = await applyEnvironment(target, request(stack), fastDeps());
    expect(summarize(second.objects)).toMatchObject({ unchanged: stack.length, failed: 0 });
  });

  test("GIVEN a hard failure halfway THEN the report says what was applied, what failed and what was not attempted; a re-run converges", async () => {
    let failing = true;
    fake = new FakeKube({
      fault: (req, url) =>
        failing && req.method === "PATCH" && url.pathname.endsWith("/services/svc-3")
          ? new Response(
              JSON.stringify({
                kind: "Status",
                apiVersion: "v1",
                metadata: {},
                status: "Failure",
                message: 'services "svc-3" is forbidden: User "deployer" cannot patch resource "services"',
                reason: "Forbidden",
                details: { name: "svc-3", kind: "services" },
                code: 403,
              }),
              { status: 403, headers: { "Content-Type": "application/json" } },
            )
          : undefined,
    }).start();
    const target = new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "fake");
    const run = await applyEnvironment(target, request(stack, { concurrency: 1 }), fastDeps());
    const by = (a: string) =>
      run.objects.filter((o) => o.action === a).map((o) => `${o.ref.kind}/${o.ref.name}`);
    expect(by(Action.Failed)).toEqual(["Service/svc-3"]);
    expect(by(Action.Created)).toEqual([
      "Namespace/staging",
      ...stack.slice(1, 31).map((o) => `ConfigMap/${o.metadata.name}`),
      "Service/svc-0",
      "Service/svc-1",
      "Service/svc-2",
    ]);
    expect(by(Action.NotAttempted)).toEqual([
      ...["svc-4", "svc-5", "svc-6", "svc-7", "svc-8", "svc-9"].map((n) => `Service/${n}`),
      ...Array.from({ length: 10 }, (_, i) => `Deployment/app-${i}`),
    ]);
    expect(run.objects.find((o) => o.action === Action.Failed)?.message).toContain("forbidden");
    failing = false;
    const rerun = await applyEnvironment(target, request(stack), fastDeps());
    expect(summarize(rerun.objects)).toEqual({
      created: 17,
      configured: 0,
      unchanged: 34,
      pruned: 0,
      failed: 0,
    });
  });
});
