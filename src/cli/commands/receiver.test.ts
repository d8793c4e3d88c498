import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ExitCode } from "../../core/exit-code.ts";
import { runCli } from "../main.ts";

function io(cwd: string, env: Record<string, string> = {}) {
  const err: string[] = [];
  return { err, io: { stdout: () => {}, stderr: (t: string) => err.push(t), stdoutIsTTY: false, cwd, env } };
}

test("receiver serve refuses to start without a token and leaves no store behind", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "flyby-cli-"));
  try {
    const { err, io: cli } = io(cwd);
    expect(await runCli(["receiver", "serve", "--port", "0"], cli)).toBe(ExitCode.BadInput);
    expect(err.join("")).toContain("FLYBY_RECEIVER_TOKEN");
    expect(err.join("")).toContain("--insecure-no-auth");
    expect(readdirSync(cwd)).toEqual([]);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("receiver serve names the config field that is wrong", async () => {
  const { err, io: cli } = io(tmpdir(), {
    FLYBY_RECEIVER_TOKEN: "t",
    FLYBY_RECEIVER_CONFIG: '{"sinks":[{"type":"slack","name":"s"}]}',
  });
  expect(await runCli(["receiver", "serve", "--store", "memory"], cli)).toBe(ExitCode.BadInput);
  expect(err.join("")).toContain("sinks.0.url");
  expect(
    await runCli(["receiver", "serve", "--port", "99999"], io(tmpdir(), { FLYBY_RECEIVER_TOKEN: "t" }).io),
  ).toBe(ExitCode.BadInput);
});

test("receiver serve exits 3 when its port is taken", async () => {
  const taken = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("busy") });
  try {
    const { err, io: cli } = io(tmpdir(), { FLYBY_RECEIVER_TOKEN: "t" });
    const args = [
      "receiver",
      "serve",
      "--host",
      "127.0.0.1",
      "--port",
      String(taken.port),
      "--store",
      "memory",
    ];
    expect(await runCli(args, cli)).toBe(ExitCode.EnvironmentFailed);
    expect(err.join("")).toContain(`cannot listen on 127.0.0.1:${taken.port}`);
  } finally {
    await taken.stop(true);
  }
});
