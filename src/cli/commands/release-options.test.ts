import { afterAll, describe, expect, test } from "bun:test";
import { optionDefaults } from "../../core/options.ts";
import type { CommandContext } from "../command.ts";
import { deployCommand } from "./deploy.meta.ts";
import { deployDeps } from "./release-options.ts";

/** A Grafana that records the annotations posted to it. */
const posted: { authorization: string | null; body: unknown }[] = [];
const grafana = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    if (req.method !== "POST" || new URL(req.url).pathname !== "/api/annotations")
      return new Response("not found", { status: 404 });
    posted.push({ authorization: req.headers.get("authorization"), body: await req.json() });
    return Response.json({ id: posted.length, message: "Annotation added" });
  },
});
afterAll(() => grafana.stop(true));

function context(options: Record<string, string>): CommandContext {
  const ignore = () => {};
  return {
    options: { ...optionDefaults(deployCommand.options), ...options },
    positionals: [],
    out: { color: false, json: false, stdoutIsTTY: false, stdout: ignore, stderr: ignore },
    cwd: process.cwd(),
    workDir: process.cwd(),
    env: {
      GITHUB_TOKEN: "ghs-test",
      GITHUB_REPOSITORY: "overflying/flyby",
      GRAFANA_TOKEN: "glsa-test-token",
    },
  };
}

describe("deploy, promote and rollback as the CLI wires them", () => {
  test("GIVEN --grafana THEN a finished deploy is annotated on that Grafana with GRAFANA_TOKEN", async () => {
    const deps = deployDeps(context({ prometheus: "http://127.0.0.1:9", grafana: grafana.url.href }));
    await deps.annotations?.annotate({
      environment: "staging",
      time: 1_764_460_800_000,
      text: "deploy 1a2b: success",
    });
    expect(posted).toEqual([
      {
        authorization: "Bearer glsa-test-token",
        body: { time: 1_764_460_800_000, tags: ["flyby", "staging"], text: "deploy 1a2b: success" },
      },
    ]);
  });

  test("GIVEN no --grafana THEN nothing is annotated", () => {
    expect(deployDeps(context({ prometheus: "http://127.0.0.1:9" })).annotations).toBeUndefined();
  });
});
