import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeKubeconfig } from "../../testing/apply/kubeconfig.ts";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";
import { FakeKube } from "../../testing/fake-kube/server.ts";

function git(dir: string, ...args: string[]): void {
  const res = spawnSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", ...args], {
    cwd: dir,
  });
  if (res.status !== 0) throw new Error(String(res.stderr));
}

const kubeconfig = (dir: string, server: string, token: string): string =>
  writeKubeconfig(dir, server, token, `kubeconfig-${token}`);

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

  test("a folder `apply --target dir:` wrote diffs clean against the same render, with removals as apply sees them", async () => {
    const applied = await runFlyby(
      ["apply", "--env", "production", "--target", "dir:applied", "--prune"],
      repo,
    );
    expect(applied.code).toBe(0);
    const clean = await runFlyby(["diff", "--env", "production", "--against", "dir:applied", "--json"], repo);
    expect({ code: clean.code, summary: JSON.parse(clean.stdout).environments[0].summary }).toMatchObject({
      code: 0,
      summary: { added: 0, changed: 0, removed: 0 },
    });
    writeFileSync(
      join(repo, "applied", "leftover.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: leftover\n  namespace: production\ndata:\n  a: b\n",
    );
    const removal = await runFlyby(["diff", "--env", "production", "--against", "dir:applied"], repo);
    expect(removal.code).toBe(1);
    expect(removal.stdout).toContain("0 changed · 0 added · 1 removed");
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

  test("`cluster:` with a suffix is refused rather than silently using the current context", async () => {
    const run = await runFlyby(["diff", "--env", "staging", "--against", "cluster:prod-ctx"], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      '"cluster:prod-ctx": write "cluster" alone and choose the cluster with --context C',
    );
    const typo = await runFlyby(["diff", "--env", "staging", "--against", "clustr"], repo);
    expect(typo.stderr).toContain('(did you mean "cluster"?)');
  });

  test("a server slower than --request-timeout ends in exit 3 at once, naming the URL; a timeout is not retried", async () => {
    const slow = new FakeKube({ fault: async () => (await Bun.sleep(3000)) ?? undefined }).start();
    try {
      const started = performance.now();
      const run = await runFlyby(
        [
          "diff",
          "--env",
          "staging",
          "--against",
          "cluster",
          "--kubeconfig",
          kubeconfig(repo, slow.url, slow.adminToken),
          "--request-timeout",
          "300ms",
        ],
        repo,
      );
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`${slow.url} did not answer`);
      expect(run.stderr).toContain("within 300 ms (request timeout)");
      expect(performance.now() - started).toBeLessThan(2500);
    } finally {
      await slow.stop();
    }
  });

  test("$KUBECONFIG may list several files, and a plain-http server needs no insecure-skip-tls-verify", async () => {
    const other = join(repo, "other-kubeconfig.yaml");
    writeFileSync(
      other,
      `apiVersion: v1
kind: Config
clusters: [{name: other, cluster: {server: "https://127.0.0.1:9"}}]
users: [{name: other, user: {token: x}}]
contexts: [{name: other, context: {cluster: other, user: other}}]
current-context: other
`,
    );
    const plain = join(repo, "plain-kubeconfig.yaml");
    writeFileSync(
      plain,
      `apiVersion: v1
kind: Config
clusters: [{name: fake, cluster: {server: "${fake.url}"}}]
users: [{name: flyby, user: {token: ${fake.adminToken}}}]
contexts: [{name: fake, context: {cluster: fake, user: flyby}}]
current-context: fake
`,
    );
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--context", "fake", "--json"],
      repo,
      {
        KUBECONFIG: `${other}:${plain}`,
      },
    );
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: "" });
    const unknown = await runFlyby(
      ["diff", "--env", "staging", "--against", "cluster", "--context", "fak"],
      repo,
      {
        KUBECONFIG: `${other}:${plain}`,
      },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no context "fak"');
    expect(unknown.stderr).toContain('(did you mean "fake"?); it has: other, fake');
  });

  test("an unknown format is a usage error", async () => {
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "git:HEAD", "--format", "yaml"],
      repo,
    );
    expect(run.code).toBe(2);
  });
});
