import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tokenKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { makeOctokit } from "../github/octokit.ts";
import { fastDeps } from "../testing/apply/objects.ts";
import { runFlyby, scratchRepo } from "../testing/cli.ts";
import { FakeDeployments } from "../testing/fake-github/deployments.ts";
import { FakeIssues } from "../testing/fake-github/issues.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { FakeKube } from "../testing/fake-kube/server.ts";
import { scaleApi } from "../testing/fleet-clusters.ts";
import { deployStagingBundle } from "../testing/release-story.ts";
import { realWorld } from "../wiring/world.ts";

let kube: FakeKube;
let github: FakeGitHub;
let issues: FakeIssues;
let dir: string;

beforeAll(async () => {
  kube = new FakeKube().start();
  kube.controller.defaultMode = "ready";
  kube.controller.start(20);
  issues = new FakeIssues();
  github = new FakeGitHub().use(new FakeDeployments()).use(issues).start();
  dir = scratchRepo();
  writeFileSync(join(dir, "kubeconfig.json"), tokenKubeConfig(kube.url, kube.adminToken).exportConfig());
  await deployStagingBundle(
    dir,
    github.url,
    { gke: [] },
    {
      ...realWorld(dir, {}, () => undefined),
      apply: fastDeps(),
      gkeTarget: () => Promise.reject(new Error("no GKE here")),
      kubeTarget: () => new KubeApplyTarget(tokenKubeConfig(kube.url, kube.adminToken), "fake"),
    },
  );
}, 30_000);

afterAll(async () => {
  kube?.controller.stop();
  await Promise.all([kube?.stop(), github?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = () => ({
  GITHUB_TOKEN: "ghs-test-token",
  GITHUB_REPOSITORY: "overflying/platform",
  GITHUB_API_URL: github.url,
});
const drift = () =>
  runFlyby(["drift", "--env", "staging", "--kubeconfig", "kubeconfig.json", "--issue"], dir, env());

describe("flyby drift", () => {
  test("clean: exit 0 and no issue", async () => {
    const r = await drift();
    expect(r.stderr).toContain("staging: drift issue clean");
    expect(r.code).toBe(0);
    expect(issues.issues).toEqual([]);
  });

  test("a hand edit opens one issue, a second run updates it, putting it back closes it", async () => {
    scaleApi(kube, 5);
    const first = await drift();
    expect(first.code).toBe(1);
    expect(first.stdout).toContain("Deployment staging/overflying-api");
    expect(issues.issues.length).toBe(1);
    const [issue] = issues.issues;
    expect(issue).toMatchObject({ title: "Drift in staging", state: "open", labels: ["flyby-drift"] });
    expect(issue?.body).toContain("differ from the bundle last applied there: sha256:");
    expect(issue?.body).toContain("overflying-api");

    const found = await makeOctokit("ghs-test-token", github.url).rest.search.issuesAndPullRequests({
      q: 'repo:overflying/platform is:issue is:open label:flyby-drift in:title "Drift in staging"',
    });
    expect(found.data.items.map((i) => i.number)).toEqual([issue?.number as number]);

    scaleApi(kube, 7);
    const second = await drift();
    expect(second.code).toBe(1);
    expect(second.stderr).toContain("staging: drift issue updated");
    expect(issues.issues.length).toBe(1);

    scaleApi(kube, 1);
    const third = await drift();
    expect(third.code).toBe(0);
    expect(third.stderr).toContain("staging: drift issue closed");
    expect(issues.issues[0]).toMatchObject({ state: "closed", state_reason: "completed" });
  });

  test("an environment never deployed is skipped", async () => {
    const r = await runFlyby(["drift", "--env", "production", "--kubeconfig", "kubeconfig.json"], dir, env());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("production: never deployed");
  });
});
