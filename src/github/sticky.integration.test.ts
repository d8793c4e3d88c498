import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ObjectDiff } from "../diff/object-diff.ts";
import { commentLimit, renderMarkdown } from "../diff/report.ts";
import { marker, postSticky } from "../pr/sticky.ts";
import { FakeGitHub } from "../testing/fake-github/server.ts";
import { makeOctokit, octokitComments } from "./octokit.ts";

const human = { login: "octocat", id: 1, type: "User" as const };
const bot = { login: "github-actions[bot]", id: 41898282, type: "Bot" as const };

describe("sticky PR comment through @octokit/rest against the fake GitHub API", () => {
  const github = new FakeGitHub();
  beforeAll(() => {
    github.start();
    for (let i = 0; i < 230; i++) github.seed("overflying", "flyby", 7, `review comment ${i}`, human);
    // A person quoting the marker must never be edited or deleted.
    github.seed("overflying", "flyby", 7, `${marker("staging", 1, 1)}\nquoted by a person`, human);
    github.seed("overflying", "flyby", 7, `${marker("production", 1, 1)}\nproduction report`, bot);
  });
  afterAll(async () => {
    await github.stop();
  });

  const comments = () =>
    octokitComments(makeOctokit("ghs-test-token", github.url), {
      owner: "overflying",
      repo: "flyby",
      number: 7,
    });
  const staging = () =>
    github.comments.filter(
      (c) => c.user.login === bot.login && c.body.startsWith("<!-- flyby:staging part="),
    );

  test("GIVEN no report yet WHEN posted THEN one comment is created, after reading every page", async () => {
    github.requests.length = 0;
    expect(await postSticky(comments(), "staging", ["report v1"])).toEqual({
      created: 1,
      updated: 0,
      unchanged: 0,
      deleted: 0,
    });
    expect(github.requests.filter((r) => r.method === "GET").length).toBe(3);
    expect(staging().map((c) => c.body)).toEqual([`${marker("staging", 1, 1)}\nreport v1`]);
  });

  test("the same report again changes nothing; a new one updates the comment in place", async () => {
    const id = staging()[0]?.id;
    expect((await postSticky(comments(), "staging", ["report v1"])).unchanged).toBe(1);
    expect((await postSticky(comments(), "staging", ["report v2"])).updated).toBe(1);
    expect(staging().map((c) => c.id)).toEqual([id as number]);
  });

  test("a report that grows to three parts creates two; shrinking back deletes the stale parts", async () => {
    expect(await postSticky(comments(), "staging", ["a", "b", "c"])).toEqual({
      created: 2,
      updated: 1,
      unchanged: 0,
      deleted: 0,
    });
    expect(staging().length).toBe(3);
    expect((await postSticky(comments(), "staging", ["a"])).deleted).toBe(2);
    expect(staging().length).toBe(1);
  });

  test("other people's comments and other environments' comments are never touched", () => {
    expect(github.comments.filter((c) => c.user.login === human.login).length).toBe(231);
    expect(github.comments.some((c) => c.body.endsWith("quoted by a person"))).toBe(true);
    expect(github.comments.some((c) => c.body.endsWith("production report"))).toBe(true);
  });

  test("a report over 65,536 characters is split into parts GitHub accepts, none dropped", async () => {
    const big: ObjectDiff[] = Array.from({ length: 60 }, (_, i) => ({
      ref: { group: "", version: "v1", kind: "ConfigMap", namespace: "staging", name: `dashboards-${i}` },
      change: "changed",
      paths: ["data.json"],
      diff: `@@ -1,1 +1,1 @@\n-${"x".repeat(2000)}\n+${"y".repeat(2000)}\n`,
      risks: [],
    }));
    const parts = renderMarkdown({ environment: "staging", against: "git:main", objects: big, blocked: [] });
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p.length < commentLimit - 100)).toBe(true);
    expect(parts[0]).toContain(`part 1/${parts.length}`);
    for (let i = 0; i < 60; i++) expect(parts.join("").includes(`dashboards-${i}</code>`)).toBe(true);
    const result = await postSticky(comments(), "staging", parts);
    expect(result.created + result.updated).toBe(parts.length);
  });
});
