import { afterAll, describe, expect, test } from "bun:test";
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, runFlyby, scratchRepo } from "../../testing/cli.ts";

const repo = scratchRepo();
afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe("plan", () => {
  test("renders and validates every environment and writes the report", async () => {
    const run = await runFlyby(["plan"], repo);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("production: 28 objects, 0 errors");
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
      // Without the production values file, all five images fall back to their common tags.
      expect.objectContaining({ environment: "production", errors: 5 }),
    );
    expect(readFileSync(join(repo, ".flyby/plan/report.md"), "utf8")).toContain("error image-digest");
  });
});

describe("plan against the git base", () => {
  const gitRepo = scratchRepo();
  afterAll(() => rmSync(gitRepo, { recursive: true, force: true }));
  const git = (...args: string[]) => {
    const r = Bun.spawnSync(["git", "-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: gitRepo });
    if (r.exitCode !== 0) throw new Error(r.stderr.toString());
  };

  test("a PR that changes one value shows exactly that change", async () => {
    git("init", "-q", "-b", "main");
    git("add", "-A");
    git("commit", "-qm", "base");
    writeFileSync(join(gitRepo, "manifests/values/staging.yaml"), "api:\n  replicas: 4\n");
    git("commit", "-qam", "scale the staging API");
    const run = await runFlyby(["plan", "--json"], gitRepo);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).changed).toBe(true);
    const report = readFileSync(join(gitRepo, ".flyby/plan/report.md"), "utf8");
    expect(report).toContain("Deployment staging/overflying-api");
    expect(report).toContain("+  replicas: 4");
    expect(report.match(/^[-+] {2}replicas/gm)?.length).toBe(2);
  });

  test("GIVEN a base from before the promotion chain THEN only the real change shows", async () => {
    const envFile = join(gitRepo, "manifests/environments.yaml");
    const chained = readFileSync(envFile, "utf8");
    writeFileSync(envFile, chained.replace("    promotesFrom: staging\n", ""));
    git("commit", "-qam", "environments without a chain");
    const base = "HEAD";
    writeFileSync(envFile, chained);
    writeFileSync(join(gitRepo, "manifests/values/staging.yaml"), "api:\n  replicas: 5\n");
    git("commit", "-qam", "the promotion chain; scale the staging API");
    const run = await runFlyby(["plan", "--json", "--base", `${base}~1`], gitRepo);
    expect(run.code).toBe(0);
    const report = readFileSync(join(gitRepo, ".flyby/plan/report.md"), "utf8");
    expect(report).toContain("+  replicas: 5");
    expect(report).toContain("**0 changed · 0 added · 0 removed · 28 unchanged**");
    expect(report).toContain("**1 changed · 0 added · 0 removed · 6 unchanged**");
    expect(JSON.parse(run.stdout).baseNotes).toEqual([]);
  });

  test("GIVEN a base that cannot render an environment THEN plan says so instead of diffing against nothing", async () => {
    const values = join(gitRepo, "manifests/values/staging.yaml");
    writeFileSync(values, "api: [not, a, mapping]\n");
    git("commit", "-qam", "broken staging values");
    writeFileSync(values, "api:\n  replicas: 6\n");
    git("commit", "-qam", "fixed staging values");
    const run = await runFlyby(["plan", "--base", "HEAD~1"], gitRepo);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "note: the base HEAD~1 cannot render staging: manifests@HEAD~1/values/staging.yaml",
    );
    const report = readFileSync(join(gitRepo, ".flyby/plan/report.md"), "utf8");
    expect(report).toContain("the base HEAD~1 cannot render staging: manifests@HEAD~1/values/staging.yaml");
  });

  test("an unreadable --base exits 2, naming the ref", async () => {
    const run = await runFlyby(["plan", "--base", "no-such-ref"], gitRepo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read git ref "no-such-ref"');
    expect(run.stderr).toContain("(at --base)");
    expect(run.stderr).not.toContain("--against");
  });
});

describe("plan and the generated alerting objects", () => {
  /** Runs `use` in a scratch repository with manifests/ and alerts/ copied and the code linked in. */
  const withAlerts = async (use: (dir: string) => Promise<void>) => {
    const dir = scratchRepo();
    cpSync(join(repoRoot, "alerts"), join(dir, "alerts"), { recursive: true });
    symlinkSync(join(repoRoot, "src"), join(dir, "src"));
    try {
      await use(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const generated = "manifests/templates/observability/alerting.generated.yaml";

  test("GIVEN alerts/ and the committed file agree THEN plan passes", async () => {
    await withAlerts(async (dir) => {
      const run = await runFlyby(["plan"], dir);
      expect(run.code).toBe(0);
      expect(run.stdout).not.toContain("generated-stale");
    });
  });

  test("GIVEN a threshold changed in alerts/ without a rebuild THEN plan exits 1 naming the stale file", async () => {
    await withAlerts(async (dir) => {
      const worker = join(dir, "alerts/worker.ts");
      writeFileSync(worker, readFileSync(worker, "utf8").replace(".gt(90)", ".gt(85)"));
      const run = await runFlyby(["plan", "--json"], dir);
      expect(run.code).toBe(1);
      const [finding] = JSON.parse(run.stdout).generated;
      expect(finding).toMatchObject({
        rule: "generated-stale",
        message: `${generated} differs from what alerts/ and manifests/values/ generate today`,
        location: { file: generated },
        hint: "run `bun run flyby alerts build` and commit the result",
      });
      expect(readFileSync(join(dir, ".flyby/plan/report.md"), "utf8")).toContain(
        `${generated}:${finding.location.line}: error generated-stale`,
      );
    });
  });

  test("GIVEN a threshold changed and alerts rebuilt but not the dashboards THEN plan exits 1 naming each stale dashboard", async () => {
    await withAlerts(async (dir) => {
      const worker = join(dir, "alerts/worker.ts");
      writeFileSync(worker, readFileSync(worker, "utf8").replace(".gt(90)", ".gt(91)"));
      expect((await runFlyby(["alerts", "build"], dir)).code).toBe(0);
      const run = await runFlyby(["plan", "--json"], dir);
      expect(run.code).toBe(1);
      const stale = JSON.parse(run.stdout).generated as { location: { file: string }; hint: string }[];
      expect(stale.map((f) => f.location.file).sort()).toEqual([
        "manifests/dashboards/overview.json",
        "manifests/dashboards/worker-detailed.json",
      ]);
      for (const f of stale)
        expect(f.hint).toBe("run `bun run flyby dashboards build` and commit the result");
      const text = await runFlyby(["plan"], dir);
      expect(text.stdout).toContain("manifests/dashboards/overview.json:");
      expect(text.stdout).toContain("error generated-stale");
    });
  });

  test("GIVEN a GPU with less memory in the values without a rebuild THEN plan exits 1 too", async () => {
    await withAlerts(async (dir) => {
      const common = join(dir, "manifests/values/common.yaml");
      writeFileSync(common, readFileSync(common, "utf8").replace("memoryGiB: 80", "memoryGiB: 24"));
      const run = await runFlyby(["plan"], dir);
      expect(run.code).toBe(1);
      expect(run.stdout).toContain(`${generated}:`);
      expect(run.stdout).toContain("error generated-stale");
    });
  });
});
