import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, scratchRepo } from "../testing/cli.ts";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";

const fake = new FakeDeployments();
const github = new FakeGitHub().use(fake);
const token = "ghs-test-token";
let repo: string;
beforeAll(() => {
  github.start();
  repo = scratchRepo();
});
afterAll(async () => {
  await github.stop();
  rmSync(repo, { recursive: true, force: true });
});

/** Runs actions/deploy/main.ts as the runner would: inputs and context in the environment. */
async function runAction(inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const output = join(repo, "github-output");
  const summary = join(repo, "step-summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const defaults = {
    target: "cluster",
    prune: "true",
    wait: "true",
    "dry-run": "false",
    "force-conflicts": "false",
  };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "/tmp",
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: "overflying/flyby",
    GITHUB_SHA: "0123456789abcdef0123456789abcdef01234567",
    GITHUB_RUN_ID: "42",
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    "INPUT_GITHUB-TOKEN": token,
    ...Object.fromEntries(
      Object.entries({ ...defaults, ...inputs }).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]),
    ),
    ...extraEnv,
  };
  // Asynchronous: the fake GitHub API answers from this process while the action runs.
  const proc = Bun.spawn([process.execPath, join(repoRoot, "actions/deploy/main.ts")], {
    cwd: repo,
    env,
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  return { code, stdout, output: readFileSync(output, "utf8"), summary: readFileSync(summary, "utf8") };
}

describe("actions/deploy", () => {
  test("applies inside a GitHub Deployment carrying the rendered sha256, and writes the job summary", async () => {
    const run = await runAction({ environment: "staging", target: "dir:hydrated", wait: "false" });
    expect(run.code).toBe(0);
    expect(existsSync(join(repo, "hydrated/staging/deployment-overflying-api.yaml"))).toBe(true);
    const sha256 = run.output.match(/^sha256<<(.+)\n([0-9a-f]{64})\n\1$/m)?.[2];
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    const deployment = fake.deployments.at(-1);
    expect(deployment).toMatchObject({
      ref: "0123456789abcdef0123456789abcdef01234567",
      environment: "staging",
      payload: { sha256 },
    });
    // The fake keeps statuses newest first, as GitHub lists them.
    expect(deployment?.statuses.map((s) => s.state)).toEqual(["success", "in_progress"]);
    expect(deployment?.statuses[0]).toMatchObject({
      description: `sha256 ${sha256?.slice(0, 12)}: 7 created, 0 configured, 0 unchanged, 0 pruned, 0 failed`,
      log_url: "https://github.example/overflying/flyby/actions/runs/42",
    });
    expect(run.summary).toContain("## flyby apply: staging");
    expect(run.summary).toContain("| `dir:hydrated` | 7 | 0 | 0 | 0 | 0 | 0 |");
  });

  test("a weak Grafana password fails the step, masked, before any deployment is recorded", async () => {
    const before = fake.deployments.length;
    const run = await runAction(
      { environment: "production", target: "cluster", prune: "false", wait: "false" },
      { GRAFANA_ADMIN_USER: "ops", GRAFANA_ADMIN_PASSWORD: "admin123" },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("::add-mask::admin123");
    expect(run.stdout).toContain("::error::GRAFANA_ADMIN_PASSWORD is a well-known default password");
    expect(fake.deployments.length).toBe(before);
  });
});
