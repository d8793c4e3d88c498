import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";

const repo = scratchRepo();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("plan", () => {
  test("renders and validates every environment and writes the report", async () => {
    const run = await runFlyby(["plan"], repo);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("production: 24 objects, 0 errors");
    const report = readFileSync(join(repo, ".flyby/plan/report.md"), "utf8");
    expect(report).toContain("| staging | 7 | 0 | 2 |");
    expect(report).toContain("warning image-digest Deployment overflying-api");
  });

  test("exits 1 when an environment has errors, and names them in the report", async () => {
    writeFileSync(
      join(repo, "manifests/values/production.yaml"),
      "api:\n  image:\n    repository: us-docker.pkg.dev/overflying/platform/api\n    tag: v1\n",
    );
    const run = await runFlyby(["plan", "--json"], repo);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).environments).toContainEqual(
      // Without the production values file, all four images fall back to their common tags.
      expect.objectContaining({ environment: "production", errors: 4 }),
    );
    expect(readFileSync(join(repo, ".flyby/plan/report.md"), "utf8")).toContain("error image-digest");
  });
});
