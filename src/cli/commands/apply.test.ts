import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";

let repo: string | undefined;
afterEach(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
  repo = undefined;
});

const filesOf = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

describe("flyby apply --target dir:PATH", () => {
  test("writes one file per object plus the inventory; re-applying changes nothing; pruning deletes files", async () => {
    repo = scratchRepo();
    const out = join(repo, "hydrated");
    const first = await runFlyby(["apply", "--env", "staging", "--target", "dir:hydrated"], repo);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("7 created, 0 configured, 0 unchanged, 0 pruned, 0 failed");
    expect(filesOf(out)).toContain("staging/configmap-flyby-applyset-staging.yaml");
    expect(filesOf(out)).toContain("staging/deployment-overflying-api.yaml");
    const deployment = await Bun.file(join(out, "staging/deployment-overflying-api.yaml")).text();
    expect(deployment).toMatch(/applyset\.kubernetes\.io\/part-of: applyset-[A-Za-z0-9_-]+-v1/);

    const second = await runFlyby(["apply", "--env", "staging", "--target", "dir:hydrated", "--json"], repo);
    expect(JSON.parse(second.stdout).summary).toEqual({
      created: 0,
      configured: 0,
      unchanged: 7,
      pruned: 0,
      failed: 0,
    });

    const template = join(repo, "manifests/templates/services/worker.yaml.hbs");
    const text = await Bun.file(template).text();
    writeFileSync(template, text.replace(/\n---\n[\s\S]*?kind: Service[\s\S]*?(?=\n---\n|$)/, ""));
    const dry = await runFlyby(
      ["apply", "--env", "staging", "--target", "dir:hydrated", "--prune", "--dry-run"],
      repo,
    );
    expect(dry.stdout).toContain("pruned        Service staging/overflying-worker");
    expect(existsSync(join(out, "staging/service-overflying-worker.yaml"))).toBe(true);
    const pruned = await runFlyby(["apply", "--env", "staging", "--target", "dir:hydrated", "--prune"], repo);
    expect(pruned.code).toBe(0);
    expect(existsSync(join(out, "staging/service-overflying-worker.yaml"))).toBe(false);
  });

  test("pruning more than 25% of the inventory is refused and the folder is left as it was", async () => {
    repo = scratchRepo();
    await runFlyby(["apply", "--env", "staging", "--target", "dir:hydrated"], repo);
    const before = filesOf(join(repo, "hydrated"));
    for (const f of [
      "services/api.yaml.hbs",
      "services/worker.yaml.hbs",
      "services/network-policy.yaml.hbs",
    ]) {
      rmSync(join(repo, "manifests/templates", f));
    }
    const run = await runFlyby(["apply", "--env", "staging", "--target", "dir:hydrated", "--prune"], repo);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("refused (too-many)");
    expect(filesOf(join(repo, "hydrated"))).toEqual(before);
  });
});
