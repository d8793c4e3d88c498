import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promoteStep } from "../../action/promote.ts";
import type { ActionStep } from "../../action/run.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { exitCodeOf } from "../../app/exit-policy.ts";
import { encodeBundle } from "../../bundle/bundle.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { fastDeps } from "../../testing/apply/objects.ts";
import { stagingBundleOf } from "../../testing/bundles.ts";
import { runFlyby } from "../../testing/cli.ts";
import { contextsKubeconfig } from "../../testing/environments.ts";
import { FakeDeployments } from "../../testing/fake-github/deployments.ts";
import { FakeGitHub } from "../../testing/fake-github/server.ts";
import type { FakeKube } from "../../testing/fake-kube/server.ts";
import { scaleApi, type TwoClusters, twoClusters } from "../../testing/fleet-clusters.ts";
import { deployStagingBundle } from "../../testing/release-story.ts";
import { realWorld } from "../../wiring/world.ts";

/**
 * staging on two clusters, east and west (one fake API server each), after the staging job
 * deployed one bundle to both: drift and status ask every cluster (`--gke env`).
 */
let clusters: TwoClusters;
let east: FakeKube;
let github: FakeGitHub;
let deployments: FakeDeployments;
let repo: string;

beforeAll(async () => {
  clusters = twoClusters();
  ({ east, repo } = clusters);
  deployments = new FakeDeployments();
  github = new FakeGitHub().use(deployments).start();
  // west's API server is gone: nothing listens on port 9 of loopback.
  writeFileSync(
    join(repo, "west-down.json"),
    contextsKubeconfig({
      east: { url: east.url, token: east.adminToken },
      west: { url: "http://127.0.0.1:9", token: "t" },
    }),
  );
  await deployStagingBundle(
    repo,
    github.url,
    { kubeconfig: join(repo, "kubeconfig.json"), gke: ["env"] },
    { ...realWorld(repo, {}, () => {}), apply: fastDeps() },
  );
  const bundle = await stagingBundleOf(loadManifestTree(join(repo, "manifests")), commit);
  writeFileSync(join(repo, "bundle.json"), encodeBundle(bundle));
}, 60_000);

afterAll(async () => {
  await Promise.all([clusters?.stop(), github?.stop()]);
});

const commit = "c".repeat(40);
const githubEnv = () => ({
  GITHUB_TOKEN: "ghs-test-token",
  GITHUB_REPOSITORY: "overflying/platform",
  GITHUB_API_URL: github.url,
});
const fleet = (command: string, ...extra: string[]) =>
  runFlyby([command, "--env", "staging", "--gke", "env", "--kubeconfig", "kubeconfig.json", ...extra], repo, {
    ...githubEnv(),
  });

interface DriftJson {
  environments: {
    environment: string;
    drift: boolean;
    clusters: {
      cluster: string;
      drift: boolean;
      objects: { kind: string; name: string; change: string }[];
    }[];
  }[];
}

interface StatusJson {
  environment: string;
  verdict: string;
  sha256?: string;
  clusters: { cluster: string; sha256?: string; error?: string }[];
}

describe("drift --gke env", () => {
  test("GIVEN both clusters run the bundle WHEN drift runs THEN each cluster says no drift, exit 0", async () => {
    const r = await fleet("drift");
    expect(r.stderr).toBe("staging east: no drift\nstaging west: no drift\n");
    expect(r.code).toBe(ExitCode.Ok);
  });

  test("GIVEN another field manager scaled the API on east WHEN drift runs THEN east is named, west is clean, exit 1", async () => {
    scaleApi(east, 6);
    try {
      const text = await fleet("drift");
      expect(text.code).toBe(ExitCode.NotClean);
      expect(text.stderr).toBe("staging east: drift\nstaging west: no drift\n");
      expect(text.stdout).toContain("Deployment staging/overflying-api");

      const json = await fleet("drift", "--json");
      expect(json.code).toBe(ExitCode.NotClean);
      const [staging] = (JSON.parse(json.stdout) as DriftJson).environments;
      expect(staging?.drift).toBe(true);
      expect(staging?.clusters.map((c) => [c.cluster, c.drift])).toEqual([
        ["east", true],
        ["west", false],
      ]);
      expect(staging?.clusters[0]?.objects).toEqual([
        expect.objectContaining({ kind: "Deployment", name: "overflying-api", change: "changed" }),
      ]);
      expect(staging?.clusters[1]?.objects).toEqual([]);
    } finally {
      scaleApi(east, 1);
    }
  });
});

describe("status --gke env reads each cluster's ApplySet parent", () => {
  test("GIVEN one bundle on both WHEN status runs THEN the environment is in sync, exit 0", async () => {
    const json = await fleet("status", "--json");
    expect(json.code).toBe(ExitCode.Ok);
    const [staging] = JSON.parse(json.stdout) as StatusJson[];
    expect(staging?.verdict).toBe("in-sync");
    expect(staging?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(staging?.clusters).toEqual([
      { cluster: "east", sha256: staging?.sha256 as string },
      { cluster: "west", sha256: staging?.sha256 as string },
    ]);
    const text = await fleet("status");
    const short = `sha256:${staging?.sha256?.slice(0, 12)}`;
    expect(text.stdout).toBe(
      `staging: in sync, ${short} on all 2 clusters\n  cluster east: ${short}\n  cluster west: ${short}\n`,
    );
  });

  test("GIVEN west gets the branch's render WHEN status runs THEN the clusters disagree, west shows what apply wrote, exit 1", async () => {
    const before = JSON.parse((await fleet("status", "--json")).stdout) as StatusJson[];
    const applied = await runFlyby(
      [
        "apply",
        "--env",
        "staging",
        "--target",
        "cluster",
        "--kubeconfig",
        "kubeconfig.json",
        "--context",
        "west",
        "--json",
      ],
      repo,
      { GRAFANA_ADMIN_USER: "admin", GRAFANA_ADMIN_PASSWORD: "fleet-test-password-0123" },
    );
    expect(applied.code).toBe(ExitCode.Ok);
    const { sha256 } = JSON.parse(applied.stdout) as { sha256: string };
    expect(sha256).not.toBe(before[0]?.sha256 as string);

    const json = await fleet("status", "--json");
    expect(json.code).toBe(ExitCode.NotClean);
    const [staging] = JSON.parse(json.stdout) as StatusJson[];
    expect(staging?.verdict).toBe("clusters-disagree");
    expect(staging?.sha256).toBeUndefined();
    expect(staging?.clusters).toEqual([
      { cluster: "east", sha256: before[0]?.sha256 as string },
      { cluster: "west", sha256 },
    ]);
    const markdown = await fleet("status", "--format", "markdown");
    expect(markdown.code).toBe(ExitCode.NotClean);
    expect(markdown.stdout).toContain("**staging: clusters disagree, 2 different states on 2 clusters**");
    expect(markdown.stdout).toContain(`| west | \`sha256:${sha256.slice(0, 12)}\` |`);
  });

  test("GIVEN west cannot be reached WHEN status runs THEN west says why, east is still shown, exit 3", async () => {
    const r = await runFlyby(
      ["status", "--env", "staging", "--gke", "env", "--kubeconfig", "west-down.json"],
      repo,
      githubEnv(),
    );
    expect(r.code).toBe(ExitCode.EnvironmentFailed);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("staging: unknown, west could not be read (1 of 2 clusters)");
    expect(lines[1]).toMatch(/^ {2}cluster east: sha256:[0-9a-f]{12}$/);
    expect(lines[2]).toContain("  cluster west: cannot read: ");
    expect(lines[2]).toContain("127.0.0.1:9");
  });
});

describe("a Prometheus URL cannot stand for every cluster: refused before anything is applied or recorded", () => {
  const oneUrl =
    "--gke env reaches each cluster's Prometheus through that cluster's API server: give --via-cluster, not --prometheus";
  const fleetArgs = ["--gke", "env", "--kubeconfig", "kubeconfig.json", "--prometheus", "http://127.0.0.1:9"];

  /** Runs `act` and checks that neither API server nor GitHub's Deployments heard of it. */
  async function untouched<T>(act: () => Promise<T>): Promise<T> {
    const before = [east.requests.length, clusters.west.requests.length, deployments.deployments.length];
    const result = await act();
    expect([east.requests.length, clusters.west.requests.length, deployments.deployments.length]).toEqual(
      before,
    );
    return result;
  }

  test.each([
    ["deploy", ["deploy", "--bundle", "bundle.json", ...fleetArgs]],
    ["promote", ["promote", "--to", "production", "--tag", "v1.0.0", "--commit", commit, ...fleetArgs]],
    ["rollback", ["rollback", "--env", "staging", "--previous", ...fleetArgs]],
  ])("%s --gke env --prometheus URL exits 2 with the smoke command's message", async (_, args) => {
    const r = await untouched(() => runFlyby(args, repo, githubEnv()));
    expect(r.stderr).toStartWith(`flyby ${args[0]}: ${oneUrl}\n`);
    expect(r.code).toBe(ExitCode.BadInput);
  });

  test("the promote action with gke: env and a prometheus-url fails the same way", async () => {
    const inputs: Record<string, string> = {
      to: "production",
      tag: "v1.0.0",
      "prometheus-url": "http://127.0.0.1:9",
    };
    const logged: string[] = [];
    const outputs: Record<string, string> = {};
    const summary = { addHeading: () => summary, addRaw: () => summary, write: async () => summary };
    const core = {
      getMultilineInput: (name: string) => (name === "gke" ? ["env"] : []),
      getBooleanInput: () => false,
      info: (line: string) => logged.push(line),
      warning: (line: string) => logged.push(line),
      setOutput: (name: string, value: string) => {
        outputs[name] = value;
      },
      summary,
    };
    const step = { input: (name: string) => inputs[name] ?? "", core } as unknown as ActionStep;
    const job = {
      cwd: repo,
      env: { ...githubEnv(), GITHUB_REF_TYPE: "tag", GITHUB_REF_NAME: "v1.0.0", GITHUB_SHA: commit },
    };
    const result = await untouched(() => promoteStep(step, job));
    expect(exitCodeOf(result.outcome)).toBe(ExitCode.BadInput);
    // The action's message names its inputs.
    expect(logged[0]).toBe(
      "gke env reaches each cluster's Prometheus through that cluster's API server: give via-cluster, not prometheus-url",
    );
    expect(outputs).toEqual({ bundle: "", state: "refused" });
  });
});
