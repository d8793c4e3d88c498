import { afterEach, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";
import { addDevEnvironment, useContexts } from "../../testing/environments.ts";

const repos: string[] = [];
function repo(): string {
  const dir = scratchRepo();
  repos.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("flyby environments", () => {
  test("--json lists the chain in promotion order with each cluster", async () => {
    const dir = repo();
    addDevEnvironment(dir);
    useContexts(dir, "production", ["east", "west"]);
    const out = await runFlyby(["environments", "--json"], dir);
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const gke = { name: "overflying", gke: "projects/overflying/locations/us-central1/clusters/overflying" };
    expect(JSON.parse(out.stdout)).toEqual({
      environments: [
        { name: "dev", promotesFrom: null, production: false, clusters: [gke] },
        { name: "staging", promotesFrom: "dev", production: false, clusters: [gke] },
        {
          name: "production",
          promotesFrom: "staging",
          production: true,
          clusters: [
            { name: "east", context: "east" },
            { name: "west", context: "west" },
          ],
        },
      ],
    });
  });

  test("text names each environment's source and clusters", async () => {
    const out = await runFlyby(["environments"], repo());
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(
      [
        "staging",
        "  overflying: projects/overflying/locations/us-central1/clusters/overflying",
        "production ← staging (production)",
        "  overflying: projects/overflying/locations/us-central1/clusters/overflying",
        "",
      ].join("\n"),
    );
  });
});
