import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ObjectDiff } from "../diff/object-diff.ts";
import { commentLimit, type EnvironmentDiff } from "../diff/report.ts";
import { parseSections, prSeries, sectionOf, updatePrComment } from "../pr/comment.ts";
import { readSticky, stickyTexts } from "../pr/sticky.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { makeOctokit, octokitComments } from "./octokit.ts";

const human = { login: "octocat", id: 1, type: "User" as const };
const environments = ["dev", "staging", "production", "production-eu"];

/** The comments of a pull request of overflying/flyby, through @octokit/rest. */
function commentsOn(github: FakeGitHub, number: number) {
  return octokitComments(makeOctokit("ghs-test-token", github.url), {
    owner: "overflying",
    repo: "flyby",
    number,
  });
}

function diffOf(environment: string, changed: number, size = 200): EnvironmentDiff {
  const objects: ObjectDiff[] = Array.from({ length: changed }, (_, i) => ({
    ref: { group: "", version: "v1", kind: "ConfigMap", namespace: "app", name: `dashboards-${i}` },
    change: "changed",
    paths: ["data.json"],
    diff: `@@ -1,1 +1,1 @@\n-${"x".repeat(size)}\n+${"y".repeat(size)}\n`,
    risks: [],
  }));
  return { environment, against: "git:base", objects, blocked: [] };
}

describe("one PR comment through @octokit/rest against the fake GitHub API", () => {
  const github = new FakeGitHub();
  beforeAll(() => {
    github.start();
    for (let i = 0; i < 120; i++) github.seed("overflying", "flyby", 9, `review comment ${i}`, human);
  });
  afterAll(() => github.stop());

  const comments = () => commentsOn(github, 9);
  const flybyComments = () =>
    github.comments.filter((c) => c.body.startsWith(`<!-- flyby:${prSeries} part=`));
  const sectionsNow = async () => parseSections(stickyTexts(await readSticky(comments(), prSeries)));

  test("GIVEN four environments WHEN the offline job posts THEN there is one comment holding all of them", async () => {
    const offline = environments.map((e, rank) =>
      sectionOf(diffOf(e, e === "dev" ? 2 : 0), "offline", { rank }),
    );
    expect((await updatePrComment(comments(), offline)).created).toBe(1);
    expect(flybyComments().length).toBe(1);
    expect(flybyComments()[0]?.body).toContain(
      "**dev**: 2 changed · **staging**: no changes · **production**: no changes · **production-eu**: no changes",
    );
  });

  test("the live job's update keeps the offline sections, and the offline job's next update keeps the live ones", async () => {
    const live = sectionOf({ ...diffOf("staging", 1), against: "cluster" }, "live", { rank: 1 });
    await updatePrComment(comments(), [live]);
    expect(flybyComments().length).toBe(1);
    expect((await sectionsNow()).map((s) => `${s.summary.environment}/${s.summary.mode}`)).toEqual([
      "dev/offline",
      "staging/offline",
      "staging/live",
      "production/offline",
      "production-eu/offline",
    ]);
    await updatePrComment(comments(), [sectionOf(diffOf("dev", 3), "offline", { rank: 0 })]);
    const body = flybyComments()[0]?.body ?? "";
    expect(body).toContain("**dev**: 3 changed · **staging**: no changes (live: 1 changed)");
  });

  test("a change too big for one comment is split into parts of one series; shrinking deletes the stale parts", async () => {
    const huge = environments.map((e, rank) => sectionOf(diffOf(e, 40, 2000), "offline", { rank }));
    const grown = await updatePrComment(comments(), huge);
    const parts = flybyComments();
    expect(parts.length).toBeGreaterThan(3);
    expect(grown.created + grown.updated).toBe(parts.length);
    for (const p of parts) expect(p.body.length).toBeLessThanOrEqual(commentLimit);
    expect(parts.map((p) => p.body.split("\n")[0])).toEqual(
      parts.map((_, i) => `<!-- flyby:${prSeries} part=${i + 1}/${parts.length} -->`),
    );
    const staging = (await sectionsNow()).find(
      (s) => s.summary.environment === "staging" && s.summary.mode === "live",
    );
    expect(staging?.summary.against).toBe("cluster");

    const shrunk = await updatePrComment(
      comments(),
      environments.map((e, rank) => sectionOf(diffOf(e, 0), "offline", { rank })),
    );
    expect(shrunk.deleted).toBe(parts.length - 1);
    expect(flybyComments().length).toBe(1);
    expect(github.comments.filter((c) => c.user.login === human.login).length).toBe(120);
  });
});

describe("the comments flyby posted before the one comment", () => {
  const github = new FakeGitHub();
  const bot = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };
  const legacy = [
    "<!-- flyby:diff env=staging part=1/1 -->\n### flyby diff staging",
    "<!-- flyby:diff env=production-live part=1/2 -->\n### flyby diff production (live)",
    "<!-- flyby:diff env=production-live part=2/2 -->\nthe rest",
  ];
  beforeAll(() => {
    github.start();
    github.seed("overflying", "flyby", 10, "looks good", human);
    for (const body of legacy) github.seed("overflying", "flyby", 10, body, bot);
    // A person quoting an old report is never touched.
    github.seed("overflying", "flyby", 10, legacy[0] as string, human);
  });
  afterAll(() => github.stop());

  const comments = () => commentsOn(github, 10);

  test("GIVEN a PR with per-environment comments WHEN the one comment is posted THEN they are deleted and people's comments stay", async () => {
    const sections = environments.map((e, rank) => sectionOf(diffOf(e, 0), "offline", { rank }));
    const posted = await updatePrComment(comments(), sections);
    expect(posted).toMatchObject({ created: 1, deleted: legacy.length });
    const left = github.comments.map((c) => `${c.user.login}: ${c.body.split("\n")[0]}`);
    expect(left).toEqual([
      "octocat: looks good",
      `octocat: ${legacy[0]?.split("\n")[0]}`,
      `github-actions[bot]: <!-- flyby:${prSeries} part=1/1 -->`,
    ]);
    expect((await updatePrComment(comments(), sections)).deleted).toBe(0);
  });
});
