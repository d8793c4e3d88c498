import { describe, expect, test } from "bun:test";
import { ExitCode } from "../../core/exit-code.ts";
import { freePort } from "../../smoke/demo/local-prometheus.ts";
import { runCli } from "../main.ts";

async function cli(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    stdoutIsTTY: false,
    cwd: process.cwd(),
    env: { HOME: "/nonexistent" },
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
    [["smoke", "--env", "staging", "--via-cluster"], "cannot read kubeconfig"],
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
});
