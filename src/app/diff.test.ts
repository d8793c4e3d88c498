import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.ts";
import { encodePrObjects } from "../github/pr-objects.ts";
import { prSection } from "../github/section-files.ts";
import { renderComment } from "../pr/comment.ts";
import { scratchRepo } from "../testing/cli.ts";
import { git as gitIn } from "../testing/git.ts";
import { againstComparison, prDiffPorts } from "../wiring/read.ts";
import { manifestFiles } from "../wiring/repository.ts";
import { diff } from "./diff.ts";
import { diffPullRequest } from "./diff-pr.ts";
import { render } from "./render.ts";

const repo = scratchRepo();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

const git = (...args: string[]) => gitIn(repo, ...args);

test("GIVEN a PR that changes one value THEN the comment shows exactly that change, under the size limit", async () => {
  git("init", "-q");
  git("add", "-A");
  git("commit", "-qm", "base");
  const values = join(repo, "manifests", "values", "production.yaml");
  writeFileSync(
    values,
    readFileSync(values, "utf8").replace(/replicas: (\d+)/, (_, n) => `replicas: ${Number(n) + 1}`),
  );
  const ports = prDiffPorts({ cwd: repo, against: "git:HEAD" });
  const result = await diffPullRequest({ environment: "production", against: "git:HEAD" }, ports);
  expect(result.changed).toBe(true);
  expect(result.live).toBe(false);
  const section = prSection(result, "e".repeat(40));
  const parts = renderComment([section]);
  expect(parts.length).toBe(1);
  expect((parts[0] ?? "").length).toBeLessThan(65_000);
  const changedLines = (parts[0] ?? "").split("\n").filter((l) => /^[-+] /.test(l));
  expect(changedLines.length).toBe(2);
  expect(changedLines[0]).toMatch(/^- {2}replicas: \d+$/);
  expect(result.diff.objects.filter((o) => o.change !== "unchanged").map((o) => o.paths)).toEqual([
    ["spec.replicas"],
  ]);
  expect(section.summary).toMatchObject({
    environment: "production",
    mode: "offline",
    commit: "e".repeat(40),
  });
  expect(Array.isArray(result.findings)).toBe(true);

  // The trusted job diffs the uploaded objects, not a render of the PR: the same answer.
  const artifact = join(repo, "production.objects.json");
  writeFileSync(artifact, encodePrObjects("production", result.head));
  const fromArtifact = await diffPullRequest(
    { environment: "production", against: "git:HEAD", objects: artifact },
    ports,
  );
  expect(fromArtifact.diff.objects.map((o) => [o.ref.name, o.change])).toEqual(
    result.diff.objects.map((o) => [o.ref.name, o.change]),
  );
  expect(fromArtifact.findings).toEqual([]);
  rmSync(artifact);
});

describe("duplicate objects", () => {
  const dupRepo = scratchRepo();
  afterAll(() => rmSync(dupRepo, { recursive: true, force: true }));
  const templates = join(dupRepo, "manifests", "templates");
  copyFileSync(join(templates, "namespaces.yaml.hbs"), join(templates, "namespaces-again.yaml.hbs"));

  async function refusal(run: () => Promise<unknown>): Promise<InputError> {
    const error = await run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }

  test("GIVEN a template that renders an object twice THEN the PR diff refuses it as the CLI diff does", async () => {
    const against = `dir:${join(dupRepo, "manifests")}`;
    const cli = await refusal(() =>
      diff(
        { environment: "staging" },
        { ...manifestFiles(dupRepo), ...againstComparison({ cwd: dupRepo, against }) },
      ),
    );
    const pr = await refusal(() =>
      diffPullRequest({ environment: "staging", against }, prDiffPorts({ cwd: dupRepo, against })),
    );
    expect(cli.message).toContain("is rendered twice");
    expect(pr.message).toBe(cli.message);
    expect(pr.location?.file).toBe("manifests/templates/namespaces.yaml.hbs");
  });

  test("GIVEN an uploaded artifact that holds an object twice THEN the PR diff refuses it", async () => {
    const ports = prDiffPorts({ cwd: repo, against: "git:HEAD" });
    const head = render({ environment: "staging" }, ports).render.objects;
    const artifact = join(repo, "staging.objects.json");
    writeFileSync(artifact, encodePrObjects("staging", [...head, ...head.slice(0, 1)]));
    try {
      const error = await refusal(() =>
        diffPullRequest({ environment: "staging", against: "git:HEAD", objects: artifact }, ports),
      );
      expect(error.message).toContain("is rendered twice");
    } finally {
      rmSync(artifact);
    }
  });
});
