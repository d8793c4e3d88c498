import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { staleGeneratedFiles } from "../core/plan/generated.ts";
import { dashboardsDir } from "../dashboards/location.ts";
import { repoRoot } from "../testing/cli.ts";
import { generatedDashboardFiles } from "./dashboard-files.ts";

describe("the committed dashboards", () => {
  test(`${dashboardsDir}/ holds what src/dashboards/ generates (run \`bun run flyby dashboards build\` when this fails)`, async () => {
    const files = await generatedDashboardFiles(repoRoot);
    expect(staleGeneratedFiles(files)).toEqual([]);
    const committed = readdirSync(join(repoRoot, dashboardsDir)).filter((f) => f.endsWith(".json"));
    expect(committed.map((f) => `${dashboardsDir}/${f}`).sort()).toEqual(files.map((f) => f.path).sort());
  });
});
