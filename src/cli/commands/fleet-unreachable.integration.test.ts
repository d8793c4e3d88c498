import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ExitCode } from "../../core/exit-code.ts";
import { fastDeps } from "../../testing/apply/objects.ts";
import { runFlyby } from "../../testing/cli.ts";
import { FakeDeployments } from "../../testing/fake-github/deployments.ts";
import { FakeIssues } from "../../testing/fake-github/issues.ts";
import { FakeGitHub } from "../../testing/fake-github/server.ts";
import { scaleApi, type TwoClusters, twoClusters } from "../../testing/fleet-clusters.ts";
import { deployStagingBundle } from "../../testing/release-story.ts";
import { realWorld } from "../../wiring/world.ts";

/**
 * staging on two clusters, east and west (one fake API server each), after the staging job
 * deployed one bundle to both. Then another field manager scales the API on east, and west's
 * API server stops: `diff` and `drift` with `--gke env` still give east's answer and name west.
 */
let clusters: TwoClusters;
let github: FakeGitHub;
let issues: FakeIssues;

beforeAll(async () => {
  clusters = twoClusters();
  issues = new FakeIssues();
  github = new FakeGitHub().use(new FakeDeployments()).use(issues).start();
  const { repo } = clusters;
  await deployStagingBundle(
    repo,
    github.url,
    { kubeconfig: join(repo, "kubeconfig.json"), gke: ["env"] },
    { ...realWorld(repo, {}, () => {}), apply: fastDeps() },
  );
  scaleApi(clusters.east, 6);
}, 60_000);

afterAll(async () => {
  await Promise.all([clusters?.stop(), github?.stop()]);
});

const fleet = (command: string, ...extra: string[]) =>
  runFlyby(
    [command, "--env", "staging", "--gke", "env", "--kubeconfig", "kubeconfig.json", ...extra],
    clusters.repo,
    {
      GITHUB_TOKEN: "ghs-test-token",
      GITHUB_REPOSITORY: "overflying/platform",
      GITHUB_API_URL: github.url,
    },
  );
const diff = (...extra: string[]) => fleet("diff", "--against", "cluster", ...extra);

interface DiffJson {
  environments: { against: string; summary?: { changed: number }; unreachable?: string }[];
}

interface DriftJson {
  environments: {
    drift: boolean;
    clusters: { cluster: string; drift?: boolean; unreachable?: string }[];
  }[];
}

describe("--gke env with one cluster's API server stopped", () => {
  test("GIVEN both clusters answer and east drifted WHEN drift --issue runs THEN the drift issue opens", async () => {
    const r = await fleet("drift", "--issue");
    expect(r.stderr).toBe("staging east: drift\nstaging west: no drift\nstaging: drift issue opened\n");
    expect(r.code).toBe(ExitCode.NotClean);
    expect(issues.issues.map((i) => i.state)).toEqual(["open"]);
  });

  describe("west stopped", () => {
    let westUrl: string;
    beforeAll(async () => {
      westUrl = clusters.west.url;
      await clusters.west.stop();
    });

    test("diff prints east's diff and names west with its URL and the cause, exit 3", async () => {
      const r = await diff();
      expect(r.stderr).toBe("");
      expect(r.code).toBe(ExitCode.EnvironmentFailed);
      expect(r.stdout).toContain("staging against cluster east: ");
      expect(r.stdout).toContain("~ Deployment staging/overflying-api changed");
      const line = r.stdout.split("\n").find((l) => l.startsWith("staging against cluster west: "));
      expect(line).toStartWith("staging against cluster west: unreachable: ");
      expect(line).toContain(westUrl);
    });

    test("diff --json has both clusters: east's summary, west's cause", async () => {
      const r = await diff("--json");
      expect(r.code).toBe(ExitCode.EnvironmentFailed);
      const [onEast, onWest] = (JSON.parse(r.stdout) as DiffJson).environments;
      expect(onEast?.against).toBe("cluster east");
      expect(onEast?.summary?.changed).toBeGreaterThan(0);
      expect(onWest?.against).toBe("cluster west");
      expect(onWest?.summary).toBeUndefined();
      expect(onWest?.unreachable).toContain(westUrl);
    });

    test("diff --format markdown shows east's report and west's line", async () => {
      const r = await diff("--format", "markdown");
      expect(r.code).toBe(ExitCode.EnvironmentFailed);
      expect(r.stdout).toContain("## flyby diff · `staging` against `cluster east`");
      expect(r.stdout).toContain("**staging against cluster west: unreachable: ");
    });

    test("drift --issue keeps east's drift in the issue, names west there, exit 3", async () => {
      const r = await fleet("drift", "--issue");
      expect(r.code).toBe(ExitCode.EnvironmentFailed);
      expect(r.stderr).toBe("staging east: drift\nstaging west: unreachable\nstaging: drift issue updated\n");
      expect(r.stdout).toContain("Deployment staging/overflying-api");
      expect(r.stdout).toContain(`staging against cluster west: unreachable: `);
      const [issue] = issues.issues;
      expect(issue?.state).toBe("open");
      expect(issue?.body).toContain("overflying-api");
      expect(issue?.body).toContain("- staging against cluster west: unreachable: ");

      const json = await fleet("drift", "--json");
      expect(json.code).toBe(ExitCode.EnvironmentFailed);
      const [staging] = (JSON.parse(json.stdout) as DriftJson).environments;
      expect(staging?.drift).toBe(true);
      expect(staging?.clusters.map((c) => [c.cluster, c.drift])).toEqual([
        ["east", true],
        ["west", undefined],
      ]);
      expect(staging?.clusters[1]?.unreachable).toContain(westUrl);
    });

    test("GIVEN east matches the bundle again WHEN drift --issue runs THEN the issue is not closed: west was not read", async () => {
      scaleApi(clusters.east, 1);
      const r = await fleet("drift", "--issue");
      expect(r.code).toBe(ExitCode.EnvironmentFailed);
      expect(r.stderr).toBe("staging east: no drift\nstaging west: unreachable\nstaging: drift issue kept\n");
      expect(issues.issues.map((i) => i.state)).toEqual(["open"]);
    });
  });
});
