import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, scratchRepo } from "../testing/cli.ts";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";

let github: FakeGitHub;
let dir: string;
beforeAll(() => {
  github = new FakeGitHub().use(new FakeDeployments()).start();
  dir = scratchRepo();
});
afterAll(async () => {
  await github.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs actions/promote as GitHub runs it, for tag v1.0.0 to production, against `apiUrl`. */
async function runPromoteAction(apiUrl: string, name: string) {
  const summary = join(dir, `summary-${name}.md`);
  const output = join(dir, `output-${name}.txt`);
  writeFileSync(summary, "");
  writeFileSync(output, "");
  const proc = Bun.spawn(["bun", join(repoRoot, "actions/promote/main.ts")], {
    cwd: dir,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PATH: process.env.PATH ?? "",
      GITHUB_TOKEN: "ghs-test-token",
      GITHUB_REPOSITORY: "overflying/platform",
      GITHUB_API_URL: apiUrl,
      GITHUB_REF_TYPE: "tag",
      GITHUB_REF_NAME: "v1.0.0",
      GITHUB_SHA: "f".repeat(40),
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: output,
      INPUT_TO: "production",
      INPUT_TAG: "v1.0.0",
      INPUT_TARGET: "dir:out",
      "INPUT_VIA-CLUSTER": "false",
      "INPUT_PROMETHEUS-URL": "http://127.0.0.1:9",
    },
  });
  const stdout = await new Response(proc.stdout).text();
  return {
    code: await proc.exited,
    stdout,
    outputs: readFileSync(output, "utf8"),
    summary: readFileSync(summary, "utf8"),
  };
}

describe("actions/promote", () => {
  test("a tag whose commit never passed staging is refused; outputs, summary and failure say so", async () => {
    const run = await runPromoteAction(github.url, "refused");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`commit ${"f".repeat(40)} has no successful staging Deployment`);
    expect(run.stdout).toContain("::error::flyby promote v1.0.0 exited 2");
    expect(run.outputs).toMatch(/^state<<.+\nrefused\n/m);
    expect(run.outputs).toMatch(/^bundle<<.+\n\n/m);
    expect(run.summary).toContain("<h2>flyby promote v1.0.0</h2>");
    expect(run.summary).toContain("production: never deployed");
    expect(run.summary).toContain("_No deployments yet._");
  }, 30_000);

  test("GitHub unreachable: the step fails with the promotion's exit code, and the summary still has its heading", async () => {
    // Nothing listens on port 9 of loopback: every GitHub call is refused.
    const run = await runPromoteAction("http://127.0.0.1:9", "down");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::error::flyby promote v1.0.0 exited 3");
    expect(run.stdout).toContain("::warning::the deployment timeline could not be read");
    expect(run.outputs).toMatch(/^state<<.+\nrefused\n/m);
    expect(run.summary).toContain("<h2>flyby promote v1.0.0</h2>");
    expect(run.summary).toContain("The deployment timeline could not be read");
  }, 30_000);
});
