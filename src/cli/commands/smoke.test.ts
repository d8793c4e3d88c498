import { describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { ExitCode } from "../../core/exit-code.ts";
import { freePort } from "../../demo/local-prometheus.ts";
import { writeKubeconfig } from "../../testing/apply/kubeconfig.ts";
import { runCli } from "../main.ts";

async function cli(args: string[], env: Record<string, string> = { HOME: "/nonexistent" }) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTTY: false,
    cwd: process.cwd(),
    env,
  });
  return { code, out: out.join(""), err: err.join("") };
}

describe("flyby smoke: input and environment errors", () => {
  test.each([
    [["smoke", "--prometheus", "http://127.0.0.1:9"], "--env E is required"],
    [["smoke", "--env", "staging"], "give exactly one of --prometheus URL or --via-cluster"],
    [["smoke", "--env", "staging", "--prometheus", "x", "--via-cluster"], "give exactly one of"],
    [
      ["smoke", "--env", "qa", "--prometheus", "http://127.0.0.1:9"],
      'unknown environment "qa"; manifests/environments.yaml defines: staging, production',
    ],
    [
      ["smoke", "--env", "staging", "--prometheus", "ftp://h"],
      "ftp: is not http: or https: (at --prometheus)",
    ],
    [
      ["smoke", "--env", "staging", "--prometheus", "http://h", "--timeout", "soon"],
      '--timeout "soon" is not a duration',
    ],
    [
      ["smoke", "--env", "staging", "--prometheus", "http://h", "--gpus", "two"],
      '"two" is not a whole number (at --gpus)',
    ],
  ])("%p exits 2 naming the problem", async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(ExitCode.BadInput);
    expect(r.err).toContain(message);
  });

  test("an unreachable Prometheus exits 3 at once, without credentials in the message", async () => {
    const port = await freePort();
    const r = await cli([
      "smoke",
      "--env",
      "staging",
      "--prometheus",
      `http://admin:s3cret@127.0.0.1:${port}`,
    ]);
    expect(r.code).toBe(ExitCode.EnvironmentFailed);
    expect(r.err).toContain(`Prometheus at http://127.0.0.1:${port} is unreachable`);
    expect(r.err).not.toContain("s3cret");
  });

  test("--via-cluster with no kubeconfig anywhere says where it looked and exits 3, as diff does", async () => {
    const r = await cli(["smoke", "--env", "staging", "--via-cluster"]);
    expect(r.code).toBe(ExitCode.EnvironmentFailed);
    expect(r.err).toContain(
      "flyby smoke: no kubeconfig found; looked at --kubeconfig (not given), KUBECONFIG (not set), ~/.kube/config (/nonexistent/.kube/config does not exist), the in-cluster service account (KUBERNETES_SERVICE_HOST is not set)",
    );
  });

  test("--via-cluster merges every $KUBECONFIG file and words an unreachable API server as diff does", async () => {
    const dir = mkdtempSync(join(tmpdir(), "flyby-smoke-kc-"));
    try {
      const port = await freePort();
      // The first file names the context; the second defines it, as kubectl merges them.
      const first = join(dir, "first.yaml");
      writeFileSync(first, "apiVersion: v1\nkind: Config\ncurrent-context: fake\n");
      const second = writeKubeconfig(dir, `http://127.0.0.1:${port}`, "t", "second.yaml");
      const r = await cli(["smoke", "--env", "staging", "--via-cluster"], {
        HOME: "/nonexistent",
        KUBECONFIG: [first, second].join(delimiter),
      });
      expect(r.code).toBe(ExitCode.EnvironmentFailed);
      expect(r.err).toBe(
        `flyby smoke: cannot reach the Kubernetes API at http://127.0.0.1:${port}: connection refused (ECONNREFUSED)\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
