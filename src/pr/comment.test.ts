import { describe, expect, test } from "bun:test";
import type { ObjectDiff } from "../diff/object-diff.ts";
import { commentLimit, type EnvironmentDiff, renderMarkdownFull } from "../diff/report.ts";
import { countsTable, headline, mergeSections, parseSections, renderComment, sectionOf } from "./comment.ts";
import { jobSummary, summaryLimit } from "./job-summary.ts";

function object(
  kind: string,
  name: string,
  change: ObjectDiff["change"],
  extra: Partial<ObjectDiff> = {},
): ObjectDiff {
  return {
    ref: { group: "", version: "v1", kind, namespace: "app", name },
    change,
    paths: change === "changed" ? ["data.x"] : [],
    diff: change === "unchanged" ? "" : `@@ -1,1 +1,1 @@\n-a: 1\n+a: 2\n`,
    risks: [],
    ...extra,
  };
}

const staging: EnvironmentDiff = {
  environment: "staging",
  against: "git:abc1234",
  objects: [
    object("ConfigMap", "a", "changed"),
    object("ConfigMap", "b", "added"),
    object("Deployment", "api", "changed", {
      risks: ["image"],
      paths: ["spec.template.spec.containers[name=api].image"],
    }),
    object("Service", "api", "unchanged"),
  ],
  blocked: [],
};
const production: EnvironmentDiff = {
  environment: "production",
  against: "git:abc1234",
  objects: [object("ConfigMap", "a", "unchanged"), object("Service", "api", "unchanged")],
  blocked: [],
};

describe("the PR comment's headline and table", () => {
  const sections = [
    sectionOf(staging, "offline", { rank: 0 }),
    sectionOf(production, "offline", { rank: 1 }),
  ];

  test("one headline per environment: counts and risks, or no changes", () => {
    expect(headline(sections)).toBe("**staging**: 3 changed, 1 risk · **production**: no changes");
  });

  test("a small table of counts per kind, risks first, with no column for an unchanged environment", () => {
    expect(countsTable(sections)).toBe(
      [
        "| Kind | staging offline |",
        "|---|--:|",
        "| **risks** | 1 |",
        "| ConfigMap | +1 ~1 |",
        "| Deployment | ~1 |",
      ].join("\n"),
    );
    expect(countsTable([sectionOf(production, "offline", { rank: 1 })])).toBeUndefined();
  });

  test("the offline and the live result of an environment sit side by side", () => {
    const live = sectionOf({ ...staging, against: "cluster", objects: staging.objects.slice(0, 1) }, "live", {
      rank: 0,
    });
    const merged = mergeSections(sections, [live]);
    expect(merged.map((s) => `${s.summary.environment}/${s.summary.mode}`)).toEqual([
      "staging/offline",
      "staging/live",
      "production/offline",
    ]);
    expect(headline(merged)).toBe(
      "**staging**: 3 changed, 1 risk (live: 1 changed) · **production**: no changes",
    );
    expect(countsTable(merged)?.split("\n")[0]).toBe("| Kind | staging offline | staging live |");
  });

  test("an unchanged environment takes one line in the body, with no table and no footnote of ignored fields", () => {
    const [body = ""] = renderComment([sectionOf(production, "offline", { rank: 1 })]);
    const visible = body.split("\n").filter((l) => l && !l.startsWith("<!--"));
    expect(visible).toEqual([
      "## flyby",
      "**production**: no changes",
      "**production** · offline against `git:abc1234`: no changes",
      expect.stringContaining("Secret values never appear"),
    ]);
    expect(body).not.toContain("| Kind");
    expect(body.length).toBeLessThan(900);
  });

  test("risks come before the other changes in the folded details", () => {
    const [body = ""] = renderComment(sections);
    const risk = body.indexOf("Risks first");
    expect(risk).toBeGreaterThan(0);
    expect(body.indexOf("<code>Deployment app/api</code>")).toBeGreaterThan(risk);
    expect(body.indexOf("<code>Deployment app/api</code>")).toBeLessThan(
      body.indexOf("<code>ConfigMap app/a</code>"),
    );
  });
});

describe("sections survive a round trip through the comment", () => {
  test("what a comment holds parses back to the same sections, across parts", () => {
    const big: EnvironmentDiff = {
      ...staging,
      objects: Array.from({ length: 80 }, (_, i) =>
        object("ConfigMap", `dash-${i}`, "changed", {
          diff: `@@ -1 +1 @@\n-${"x".repeat(1500)}\n+${"y".repeat(1500)}\n`,
        }),
      ),
    };
    const sections = [
      sectionOf(big, "offline", { rank: 0, commit: "d".repeat(40) }),
      sectionOf(production, "live", { rank: 1 }),
    ];
    const parts = renderComment(sections);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) expect(p.length).toBeLessThan(commentLimit - 30);
    expect(parseSections(parts)).toEqual(sections);
  });

  test("text in a diff that looks like flyby's marker is not read as a section", () => {
    const sneaky = sectionOf(
      {
        ...staging,
        objects: [
          object("ConfigMap", "x", "changed", {
            diff: '+<!-- flyby:section {"environment":"production","mode":"live"} -->\n<!-- /flyby:section -->\n',
          }),
        ],
      },
      "offline",
      { rank: 0 },
    );
    expect(parseSections(renderComment([sneaky])).map((s) => s.summary.environment)).toEqual(["staging"]);
  });
});

describe("the job summary", () => {
  test("GIVEN a 3,000-object change THEN the summary stays under 1 MiB and names the artifact", () => {
    const objects = Array.from({ length: 3000 }, (_, i) =>
      object("ConfigMap", `cm-${i}`, "changed", {
        diff: `@@ -1,3 +1,3 @@\n-${"a".repeat(160)}\n+${"b".repeat(160)}\n`,
      }),
    );
    const env: EnvironmentDiff = { ...staging, objects };
    const full = renderMarkdownFull([env]);
    expect(Buffer.byteLength(full)).toBeGreaterThan(summaryLimit);
    const summary = jobSummary(full, [sectionOf(env, "offline", { rank: 0 })], "flyby-pr-staging");
    expect(Buffer.byteLength(summary)).toBeLessThan(summaryLimit);
    expect(summary).toContain("**staging**: 3000 changed");
    expect(summary).toContain("it is in the artifact `flyby-pr-staging`");
  });

  test("a report that fits is the summary as it is", () => {
    const full = renderMarkdownFull([staging]);
    expect(jobSummary(full, [], "flyby-pr-staging")).toBe(full);
  });
});
