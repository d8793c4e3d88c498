import { expect, test } from "bun:test";
import { readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runFlyby, scratchRepo } from "../../testing/cli.ts";

test("GIVEN a hand-edited dashboard WHEN dashboards build runs THEN it writes back the generated one only", async () => {
  const repo = scratchRepo();
  try {
    symlinkSync(join(repoRoot, "alerts"), join(repo, "alerts"));
    const overview = join(repo, "manifests/dashboards/overview.json");
    const generated = readFileSync(overview, "utf8");
    writeFileSync(overview, generated.replace('"uid": "overflying-overview"', '"uid": "edited"'));

    const first = await runFlyby(["dashboards", "build"], repo);
    expect([first.code, first.stdout, first.stderr]).toEqual([
      0,
      "wrote manifests/dashboards/overview.json\n3 dashboards, 1 changed\n",
      "",
    ]);
    expect(readFileSync(overview, "utf8")).toBe(generated);

    const again = await runFlyby(["dashboards", "build", "--json"], repo);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      files: [
        "manifests/dashboards/overview.json",
        "manifests/dashboards/api-detailed.json",
        "manifests/dashboards/worker-detailed.json",
      ],
      written: [],
    });
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
});
