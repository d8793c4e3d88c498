import { describe, expect, test } from "bun:test";
import { Octokit } from "@octokit/rest";
import { ExitCode } from "../core/exit-code.ts";
import { freePort } from "../demo/local-prometheus.ts";
import { guarded, makeOctokit } from "./octokit.ts";

const failure = async (run: Promise<unknown>) => {
  try {
    await run;
  } catch (e) {
    return { exitCode: (e as { exitCode?: number }).exitCode, message: (e as Error).message };
  }
  throw new Error("the call succeeded");
};

describe("guarded", () => {
  test("a connection GitHub never answered is a failure to reach it, not an HTTP 500 from it", async () => {
    const base = `http://127.0.0.1:${await freePort()}`;
    const octokit = makeOctokit("a-token", base);
    const e = await failure(
      guarded("list the staging deployments", () =>
        octokit.rest.repos.listDeployments({ owner: "o", repo: "r" }),
      ),
    );
    expect(e).toEqual({
      exitCode: ExitCode.EnvironmentFailed,
      message: `cannot reach GitHub at ${base}: connection refused (ECONNREFUSED)`,
    });
  });

  test("an answer GitHub gave keeps its status and message", async () => {
    const octokit = new Octokit({
      request: { fetch: async () => Response.json({ message: "Server Error" }, { status: 500 }) },
    });
    const e = await failure(
      guarded("list the staging deployments", () =>
        octokit.rest.repos.listDeployments({ owner: "o", repo: "r" }),
      ),
    );
    expect(e).toEqual({
      exitCode: ExitCode.EnvironmentFailed,
      message: "GitHub refused to list the staging deployments (500): Server Error",
    });
  });
});
