import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deploySecrets, writeKubeconfig } from "../testing/apply/kubeconfig.ts";
import { type CliRun, runFlyby, scratchRepo } from "../testing/cli.ts";
import { type FakeKube, startFakeKube } from "../testing/fake-kube/server.ts";

const recordings = join(import.meta.dir, "../testing/fake-kube/testdata/kube-apiserver-v1.26");
const recording = (name: string) => JSON.parse(readFileSync(join(recordings, name), "utf8"));

let server: FakeKube;
let repo: string;
let home: string;
beforeAll(() => {
  server = startFakeKube();
  repo = scratchRepo();
  home = mkdtempSync(join(tmpdir(), "flyby-home-"));
});
afterAll(async () => {
  await server.stop();
  rmSync(repo, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

const diff = (env: Record<string, string>, ...extra: string[]) =>
  runFlyby(["diff", "--env", "production", "--against", "cluster", ...extra], repo, env);
const apply = (env: Record<string, string>, ...extra: string[]) =>
  runFlyby(["apply", "--env", "production", "--target", "cluster", ...extra], repo, {
    ...deploySecrets,
    ...env,
  });
const outcome = (run: CliRun) => ({ code: run.code, stdout: run.stdout, stderr: run.stderr });

describe("Kubernetes connection messages say what failed and what to do, exit 3", () => {
  test("no kubeconfig at all: where flyby looked, instead of a refused connection to localhost:8080", async () => {
    // GIVEN no --kubeconfig, no KUBECONFIG, no HOME and not in a cluster
    const bare = await diff({});
    expect(outcome(bare)).toEqual({
      code: 3,
      stdout: "",
      stderr: `flyby diff: no kubeconfig found; looked at --kubeconfig (not given), KUBECONFIG (not set), ~/.kube/config (HOME is not set), the in-cluster service account (KUBERNETES_SERVICE_HOST is not set). Pass --kubeconfig P or set KUBECONFIG; for GKE, pass --gke projects/P/locations/L/clusters/C (apply, deploy, promote) to use application default credentials (\`gcloud auth application-default login\`, or the runner's workload identity), or write a kubeconfig with \`gcloud container clusters get-credentials C --location L --project P\`\n`,
    });
    // GIVEN a HOME without .kube/config, in a Pod with no service account token: both are named
    const inPod = await apply({ HOME: home, KUBERNETES_SERVICE_HOST: "10.0.0.1" });
    expect(inPod.code).toBe(3);
    expect(inPod.stderr).toContain(
      `~/.kube/config (${join(home, ".kube", "config")} does not exist), the in-cluster service account (no token at /var/run/secrets/kubernetes.io/serviceaccount/token)`,
    );
  });

  test("~/.kube/config is used when nothing else is named", async () => {
    const kubeDir = join(home, ".kube");
    mkdirSync(kubeDir);
    writeKubeconfig(home, server.url, server.adminToken, join(".kube", "config"));
    try {
      const run = await diff({ HOME: home });
      expect([run.code, run.stderr]).toEqual([1, ""]);
    } finally {
      rmSync(kubeDir, { recursive: true, force: true });
    }
  });

  test("an unknown context lists the known ones (bad input, exit 2)", async () => {
    const kc = join(home, "two.yaml");
    const contexts = ["gke-staging", "gke-production"].map((name) => ({
      name,
      context: { cluster: "c", user: "u" },
    }));
    const clusters = [{ name: "c", cluster: { server: server.url } }];
    // JSON is YAML: a kubeconfig with two contexts.
    writeFileSync(
      kc,
      JSON.stringify({ kind: "Config", clusters, users: [{ name: "u", user: { token: "t" } }], contexts }),
    );
    const run = await diff({}, "--kubeconfig", kc, "--context", "gke-prod");
    expect(outcome(run)).toEqual({
      code: 2,
      stdout: "",
      stderr: `flyby diff: no context "gke-prod" in ${kc} (did you mean "gke-production"?); it has: gke-staging, gke-production (at --context)\n`,
    });
    rmSync(kc);
  });

  test("an unreachable server: its URL and the cause", async () => {
    const probe = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("") });
    const url = `http://127.0.0.1:${probe.port}`;
    await probe.stop(true);
    const kc = writeKubeconfig(home, url, server.adminToken, "closed.yaml");
    const run = await diff({}, "--kubeconfig", kc);
    expect(outcome(run)).toEqual({
      code: 3,
      stdout: "",
      stderr: `flyby diff: cannot diff against ${url}: cannot reach the Kubernetes API at ${url}: connection refused (ECONNREFUSED)\n`,
    });
  });

  test("rejected or expired credentials (401): said so, with how GKE credentials are obtained; the token never shows", async () => {
    // GIVEN the fake answers a wrong token as the recorded kube-apiserver does
    const recorded = recording("50-unauthorized-bad-token.json");
    const answer = await fetch(`${server.url}${recorded.request.path}`, {
      headers: { Authorization: "Bearer not-a-token-this-server-knows" },
    });
    expect({ status: answer.status, body: await answer.json() }).toEqual({
      status: recorded.response.status,
      body: recorded.response.body,
    });
    const token = "expired-token-0123456789";
    const kc = writeKubeconfig(home, server.url, token, "expired.yaml");
    const rejected = `the Kubernetes API at ${server.url} rejected the credentials: the token or certificate is not valid or has expired; for GKE, pass --gke projects/P/locations/L/clusters/C (apply, deploy, promote) to use application default credentials (\`gcloud auth application-default login\`, or the runner's workload identity), or write a kubeconfig with \`gcloud container clusters get-credentials C --location L --project P\``;
    // WHEN diff and apply run with it
    const diffRun = await diff({}, "--kubeconfig", kc);
    expect(outcome(diffRun)).toEqual({
      code: 3,
      stdout: "",
      stderr: `flyby diff: cannot diff against ${server.url}: 401 Unauthorized: ${rejected}\n`,
    });
    const applyRun = await apply({}, "--kubeconfig", kc);
    expect(applyRun.code).toBe(3);
    expect(applyRun.stdout).toContain(`could not read the current state: 401 Unauthorized: ${rejected}\n`);
    for (const run of [diffRun, applyRun]) expect(run.stdout + run.stderr).not.toContain(token);
  });
});
