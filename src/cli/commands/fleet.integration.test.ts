import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ExitCode } from "../../core/exit-code.ts";
import { runFlyby } from "../../testing/cli.ts";
import { type TwoClusters, twoClusters } from "../../testing/fleet-clusters.ts";

/** staging on two clusters, east and west, one fake API server each. */
let clusters: TwoClusters;
let repo: string;

beforeAll(() => {
  clusters = twoClusters();
  repo = clusters.repo;
});

afterAll(() => clusters?.stop());

const secrets = { GRAFANA_ADMIN_USER: "admin", GRAFANA_ADMIN_PASSWORD: "fleet-test-password-0123" };
const kube = ["--kubeconfig", "kubeconfig.json"];

interface DiffJson {
  environments: { against: string; summary: { added: number; changed: number; unchanged: number } }[];
}

describe("every cluster of an environment (--gke env)", () => {
  test("diff --against cluster has a verdict per cluster: the one nobody applied to shows every object added", async () => {
    const applied = await runFlyby(
      ["apply", "--env", "staging", "--target", "cluster", ...kube, "--context", "east", "--json"],
      repo,
      secrets,
    );
    expect(applied.code).toBe(ExitCode.Ok);
    const out = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--gke", "env", ...kube, "--format", "json"],
      repo,
    );
    expect(out.stderr).toBe("");
    expect(out.code).toBe(ExitCode.NotClean);
    const [onEast, onWest] = (JSON.parse(out.stdout) as DiffJson).environments;
    expect(onEast?.against).toBe("cluster east");
    expect(onEast?.summary).toMatchObject({ added: 0, changed: 0 });
    expect(onWest?.against).toBe("cluster west");
    expect(onEast?.summary.unchanged).toBeGreaterThan(0);
    expect(onWest?.summary.added).toBe(onEast?.summary.unchanged as number);
  });

  test("apply --gke env writes to both; then diff finds nothing on either", async () => {
    const applied = await runFlyby(
      ["apply", "--env", "staging", "--target", "cluster", "--gke", "env", ...kube, "--json"],
      repo,
      secrets,
    );
    expect(applied.code).toBe(ExitCode.Ok);
    const targets = new Set(
      (JSON.parse(applied.stdout) as { objects: { target: string }[] }).objects.map((o) => o.target),
    );
    expect(targets).toEqual(new Set(["cluster:east", "cluster:west"]));
    const out = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--gke", "env", ...kube],
      repo,
    );
    expect(out.code).toBe(ExitCode.Ok);
  });

  test("--gke env with --context, or against a git ref, is a usage error", async () => {
    const withContext = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--gke", "env", "--context", "east"],
      repo,
    );
    expect(withContext.code).toBe(ExitCode.BadInput);
    expect(withContext.stderr).toContain("--gke env does not go with --context");
    const git = await runFlyby(["diff", "--env", "staging", "--against", "git:main", "--gke", "env"], repo);
    expect(git.code).toBe(ExitCode.BadInput);
    expect(git.stderr).toContain("--gke env goes with --against cluster");
  });
});
