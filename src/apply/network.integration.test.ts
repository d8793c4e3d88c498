import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { exitCodeOf } from "../app/exit-policy.ts";
import { type FakeKubeProcess, startFakeKubeProcess } from "../testing/apply/fake-kube-process.ts";
import { deployment, fastDeps, namespace, request } from "../testing/apply/objects.ts";
import { applyEnvironment } from "./apply.ts";
import type { WatchEvent } from "./port.ts";
import { FailureKind, outcomeOf, RolloutState } from "./report.ts";

const stack = [namespace("staging"), deployment("staging", "api", 1)];

/** A port nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
  const port = server.port as number;
  await server.stop(true);
  return port;
}

describe("a connection that cannot be made", () => {
  test("names the API server's URL and the cause, and exits 3", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const target = new KubeApplyTarget(tokenKubeConfig(url, "token"), "refused");
    const run = await applyEnvironment(target, request(stack), fastDeps());
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
    expect(run.problems).toEqual([
      {
        kind: FailureKind.Environment,
        message: `could not read the current state: cannot reach the Kubernetes API at ${url}: connection refused (ECONNREFUSED)`,
      },
    ]);
  });
});

describe("a frozen API server (SIGSTOP)", () => {
  let server: FakeKubeProcess;
  beforeAll(async () => {
    // Pods stay Pending, as on a cluster without a kubelet: rollouts wait until the deadline.
    server = await startFakeKubeProcess("pending");
  });
  afterEach(() => server.thaw());
  afterAll(async () => {
    await server.stop();
  });
  const target = (options: ConstructorParameters<typeof KubeApplyTarget>[2]) =>
    new KubeApplyTarget(tokenKubeConfig(server.url, server.token), "frozen", options);

  test("ends the apply with exit 3 naming the URL once the request deadline passes, never a hang", async () => {
    // GIVEN an environment applied once while the server answered
    const first = await applyEnvironment(target({}), request(stack), fastDeps());
    expect(exitCodeOf(outcomeOf([first]))).toBe(0);
    // WHEN the server freezes and a changed environment is applied with a 300 ms request deadline
    server.freeze();
    const started = Date.now();
    const changed = [stack[0], deployment("staging", "api", 2)] as typeof stack;
    const run = await applyEnvironment(target({ requestTimeoutMs: 300 }), request(changed), {
      ...fastDeps(),
      policy: { attempts: 2, baseMs: 2, maxMs: 20 },
    });
    // THEN the run ends, an environment failure naming the URL and the deadline
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
    const message = run.problems.map((p) => p.message).join("\n");
    expect(message).toContain(`the Kubernetes API at ${server.url} did not answer GET /`);
    expect(message).toContain("within 300 ms (request timeout)");
  });

  test("a silent watch is aborted after the idle period and opened again once the server answers", async () => {
    const t = target({ watchIdleMs: 400 });
    await applyEnvironment(t, request(stack), fastDeps());
    const events: WatchEvent[] = [];
    const errors: Error[] = [];
    const stop = await t.watch?.(
      { apiVersion: "apps/v1", kind: "Deployment" },
      "staging",
      (e) => events.push(e),
      (e) => errors.push(e),
    );
    try {
      await waitFor(() => events.length > 0, 3_000);
      server.freeze();
      await waitFor(() => errors.length > 0, 3_000);
      expect(errors[0]?.message).toBe(
        `the watch of ${server.url}/apis/apps/v1/namespaces/staging/deployments sent nothing for 400 ms; opening it again`,
      );
      // WHEN the server answers again, the watch is back: a fresh ADDED for the Deployment
      const before = events.length;
      server.thaw();
      await waitFor(() => events.length > before, 5_000);
      expect(events.at(-1)?.object.metadata.name).toBe("api");
    } finally {
      stop?.();
    }
  });

  test("--wait against a server that freezes mid-rollout ends at the deadline, exit 3, saying the watch failed", async () => {
    const t = target({ watchIdleMs: 300, requestTimeoutMs: 300 });
    const changed = [stack[0], deployment("staging", "api", 1, "nginx:1.27-alpine")] as typeof stack;
    const started = Date.now();
    let froze = false;
    const run = await applyEnvironment(t, request(changed, { wait: true, timeoutMs: 2_000 }), {
      ...fastDeps(),
      progress: () => {
        // The apply has been written and the watch is open: now the server hangs.
        if (!froze) server.freeze();
        froze = true;
      },
    });
    expect(Date.now() - started).toBeLessThan(6_000);
    const api = run.objects.find((o) => o.ref.name === "api");
    expect(api?.rollout?.state).toBe(RolloutState.TimedOut);
    expect(api?.rollout?.message).toContain(
      `the watch failed: the watch of ${server.url}/apis/apps/v1/namespaces/staging/deployments sent nothing for 300 ms`,
    );
    // The Pods cannot be read from a frozen server either; the verdict says so instead of hanging.
    expect(api?.rollout?.diagnosis?.unreadable).toStartWith("could not read the Pods and Events:");
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(exitCodeOf(outcomeOf([run]))).toBe(3);
  });
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await Bun.sleep(20);
  }
}
