import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";
import { FakeKube } from "../../testing/fake-kube/server.ts";

function git(dir: string, ...args: string[]): void {
  const res = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
  });
  if (res.status !== 0) throw new Error(String(res.stderr));
}

function kubeconfig(dir: string, server: string, token: string): string {
  const path = join(dir, `kubeconfig-${token}`);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: flyby, user: {token: ${token}}}]
contexts: [{name: fake, context: {cluster: fake, user: flyby}}]
current-context: fake
`,
  );
  return path;
}

describe("flyby diff", () => {
  const repo = scratchRepo();
  const fake = new FakeKube();
  beforeAll(() => {
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "base");
    const values = join(repo, "manifests", "values", "staging.yaml");
    writeFileSync(values, readFileSync(values, "utf8").replace(/replicas: 1/, "replicas: 4"));
    fake.start();
  });
  afterAll(async () => {
    await fake.stop();
    rmSync(repo, { recursive: true, force: true });
  });

  test("GIVEN one changed value WHEN diffed against the git base THEN exactly that change shows, exit 1", async () => {
    const run = await runFlyby(["diff", "--env", "staging", "--against", "git:HEAD"], repo);
    expect(run.code).toBe(1);
    const changed = run.stdout.split("\n").filter((l) => /^[-+] /.test(l) || /^[-+]\s/.test(l));
    expect(changed).toEqual(["-  replicas: 1", "+  replicas: 4"]);
    expect(run.stdout).toContain("1 changed · 0 added · 0 removed");
    const status = spawnSync("git", ["status", "--porcelain"], { cwd: repo }).stdout.toString();
    expect(status.trim()).toBe("M manifests/values/staging.yaml");
  });

  test("the git base compared with itself is clean, exit 0", async () => {
    git(repo, "stash", "-q");
    try {
      const run = await runFlyby(
        ["diff", "--env", "staging", "--against", "git:HEAD", "--format", "json"],
        repo,
      );
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).environments[0].summary.changed).toBe(0);
    } finally {
      git(repo, "stash", "pop", "-q");
    }
  });

  test("an unreadable ref exits 2 and names the ref", async () => {
    const run = await runFlyby(["diff", "--env", "staging", "--against", "git:no-such-branch"], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"no-such-branch"');
  });

  test("a folder of hydrated files is the inventory: an object only there is a removal", async () => {
    expect((await runFlyby(["render", "--env", "staging", "--out", "hydrated"], repo)).code).toBe(0);
    writeFileSync(
      join(repo, "hydrated", "leftover.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leftover\n  namespace: staging\ndata:\n  a: b\n",
    );
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "dir:hydrated", "--format", "markdown"],
      repo,
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("| deletion | `ConfigMap staging/leftover` | removed |");
    expect(run.stdout).toContain("0 changed · 0 added · 1 removed · 7 unchanged");
  });

  test("against an empty cluster every object is added; the cluster is read with LISTs only", async () => {
    fake.requests.length = 0;
    const config = kubeconfig(repo, fake.url, fake.adminToken);
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--kubeconfig", config, "--json"],
      repo,
    );
    expect(run.code).toBe(1);
    const summary = JSON.parse(run.stdout).environments[0].summary;
    expect(summary.added).toBeGreaterThan(0);
    expect(summary.changed + summary.removed).toBe(0);
    expect(fake.requests.filter((r) => r.method !== "GET")).toEqual([]);
  });

  test("right after `flyby apply` of both environments, each live diff is clean; a changed value shows alone", async () => {
    const cluster = new FakeKube().start();
    try {
      const config = kubeconfig(repo, cluster.url, cluster.adminToken);
      const secrets = {
        GRAFANA_ADMIN_USER: "ops",
        GRAFANA_ADMIN_PASSWORD: "a-long-unique-grafana-password",
        FLYBY_RECEIVER_TOKEN: "a-long-unique-receiver-token",
      };
      for (const env of ["staging", "production"]) {
        const applied = await runFlyby(
          ["apply", "--env", env, "--target", "cluster", "--kubeconfig", config],
          repo,
          secrets,
        );
        expect(applied.code).toBe(0);
      }
      for (const env of ["staging", "production"]) {
        cluster.requests.length = 0;
        const run = await runFlyby(
          ["diff", "--env", env, "--against", "cluster", "--kubeconfig", config, "--json"],
          repo,
        );
        expect({ env, code: run.code, stderr: run.stderr }).toEqual({ env, code: 0, stderr: "" });
        const summary = JSON.parse(run.stdout).environments[0].summary;
        expect(summary).toMatchObject({ added: 0, changed: 0, removed: 0 });
        expect(summary.unchanged).toBeGreaterThan(5);
        expect(cluster.requests.filter((r) => r.method !== "GET")).toEqual([]);
      }
      git(repo, "stash", "-q");
      try {
        const run = await runFlyby(
          ["diff", "--env", "staging", "--against", "cluster", "--kubeconfig", config],
          repo,
        );
        expect(run.code).toBe(1);
        expect(run.stdout).toContain("1 changed · 0 added · 0 removed");
        const changed = run.stdout.split("\n").filter((l) => /^[-+]\s/.test(l));
        expect(changed).toEqual(["-  replicas: 4", "+  replicas: 1"]);
      } finally {
        git(repo, "stash", "pop", "-q");
      }
    } finally {
      await cluster.stop();
    }
  });

  test("an unreachable cluster exits 3, naming the URL and the cause", async () => {
    const config = kubeconfig(repo, "http://127.0.0.1:9", "t");
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--kubeconfig", config],
      repo,
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("http://127.0.0.1:9");
    expect(run.stderr).toMatch(/ECONNREFUSED|refused|Unable to connect/i);
  });

  test("an unknown format is a usage error", async () => {
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "git:HEAD", "--format", "yaml"],
      repo,
    );
    expect(run.code).toBe(2);
  });
});
