import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { type FakeKubeProcess, startFakeKubeProcess } from "../../testing/apply/fake-kube-process.ts";
import { applyProduction, writeKubeconfig } from "../../testing/apply/kubeconfig.ts";
import { scratchRepo } from "../../testing/cli.ts";

let server: FakeKubeProcess;
let repo: string;
beforeAll(async () => {
  server = await startFakeKubeProcess("ready");
  repo = scratchRepo();
});
afterEach(() => server.thaw());
afterAll(async () => {
  await server.stop();
  rmSync(repo, { recursive: true, force: true });
});

const apply = (url: string, ...extra: string[]) =>
  applyProduction(repo, writeKubeconfig(repo, url, server.token), ...extra);

const problemsOf = (stdout: string) =>
  (JSON.parse(stdout).problems as { message: string }[]).map((p) => p.message).join("\n");

describe("flyby apply against an API server that does not answer", () => {
  test("a frozen server (SIGSTOP) ends in exit 3 naming its URL within the request deadline and retries", async () => {
    // GIVEN production applied once while the server answered
    const first = await apply(server.url);
    expect(first.code).toBe(0);
    // WHEN the server process is stopped and apply runs again with a 500 ms request deadline
    server.freeze();
    const started = Date.now();
    const run = await apply(server.url, "--request-timeout", "500ms");
    // THEN it ends (6 attempts with backoff, not a hang), exit 3, naming the URL and the deadline
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.code).toBe(3);
    const problems = problemsOf(run.stdout);
    expect(problems).toContain(
      `could not read the current state: the Kubernetes API at ${server.url} did not answer`,
    );
    expect(problems).toContain("within 500 ms (request timeout)");
  }, 30_000);

  test("a refused connection reads `cannot reach the Kubernetes API at URL: connection refused (ECONNREFUSED)`", async () => {
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${probe.port}`;
    await probe.stop(true);
    const run = await apply(url);
    expect(run.code).toBe(3);
    expect(problemsOf(run.stdout)).toBe(
      `could not read the current state: cannot reach the Kubernetes API at ${url}: connection refused (ECONNREFUSED)`,
    );
  }, 30_000);

  test("--request-timeout must be a duration longer than 0s", async () => {
    const zero = await apply(server.url, "--request-timeout", "0s");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--request-timeout must be longer than 0s");
    const bad = await apply(server.url, "--request-timeout", "soon");
    expect(bad.code).toBe(2);
    // --json: the error is a JSON object on stderr.
    expect(JSON.parse(bad.stderr).error.message).toContain('--request-timeout "soon" is not a duration');
  });
});
