import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tokenKubeConfig } from "../../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../../adapters/kube/target.ts";
import { type DeployWorld, deploy } from "../../app/deploy.ts";
import type { DeployOptions } from "../../app/deploy-options.ts";
import { exitCodeOf } from "../../app/exit-policy.ts";
import { Duration } from "../../core/duration.ts";
import { EnvironmentError } from "../../core/errors.ts";
import { applyProduction, deploySecrets, writeKubeconfig } from "../../testing/apply/kubeconfig.ts";
import { fastDeps } from "../../testing/apply/objects.ts";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";
import { FakeKube } from "../../testing/fake-kube/server.ts";
import { realWorld } from "../../wiring.ts";

const secrets = deploySecrets;
let fake: FakeKube;
let repo: string;

const kubeconfigFor = (f: FakeKube) => writeKubeconfig(repo, f.url, f.adminToken);

beforeEach(() => {
  fake = new FakeKube().start();
  repo = scratchRepo();
});
afterEach(async () => {
  await fake.stop();
  rmSync(repo, { recursive: true, force: true });
});

const apply = (...extra: string[]) => applyProduction(repo, kubeconfigFor(fake), ...extra);

const summaryOf = (stdout: string) => JSON.parse(stdout).summary;

describe("flyby apply --target cluster", () => {
  test("applies in stages, re-applies without writes, prunes a removed object and refuses to prune a Namespace", async () => {
    const first = await apply();
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout);
    expect(created.summary).toMatchObject({ configured: 0, unchanged: 0, failed: 0 });
    const order = created.objects.map((o: { kind: string }) => o.kind);
    expect(order.indexOf("Namespace")).toBeLessThan(order.indexOf("ClusterRole"));
    expect(order.indexOf("ClusterRole")).toBeLessThan(order.indexOf("ConfigMap"));
    expect(order.indexOf("Secret")).toBeLessThan(order.indexOf("Service"));
    expect(order.lastIndexOf("Service")).toBeLessThan(order.indexOf("Deployment"));
    expect(first.stdout).not.toContain(secrets.GRAFANA_ADMIN_PASSWORD);
    expect(first.stdout).not.toContain(Buffer.from(secrets.GRAFANA_ADMIN_PASSWORD).toString("base64"));

    const writes = () =>
      fake.requests.filter((r) => ["patch", "delete", "create", "update"].includes(r.verb ?? "")).length;
    const before = writes();
    const again = await apply();
    expect(again.code).toBe(0);
    expect(summaryOf(again.stdout)).toEqual({
      created: 0,
      configured: 0,
      unchanged: created.summary.created,
      pruned: 0,
      failed: 0,
    });
    expect(writes()).toBe(before);

    rmSync(join(repo, "manifests/templates/observability/network-policies.yaml.hbs"));
    const pruned = await apply("--prune");
    expect(pruned.code).toBe(0);
    expect(summaryOf(pruned.stdout).pruned).toBe(2);
    const netpols = await new KubeApplyTarget(tokenKubeConfig(fake.url, fake.adminToken), "check").list(
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" },
      "observability",
    );
    const names = netpols.map((n) => n.metadata.name);
    expect(names).not.toContain("grafana-open");
    expect(names).not.toContain("prometheus-from-grafana-and-alertmanager");

    const envFile = join(repo, "manifests/environments.yaml");
    writeFileSync(
      envFile,
      (await Bun.file(envFile).text()).replace(
        "[production, observability, infrastructure]",
        "[production, observability]",
      ),
    );
    const refused = await apply("--prune");
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout).problems[0].message).toContain(
      "--allow-destructive Namespace/infrastructure",
    );
    const allowed = await apply("--prune", "--allow-destructive", "Namespace/infrastructure");
    expect(allowed.code).toBe(0);
    expect(summaryOf(allowed.stdout).pruned).toBe(1);
  });

  test("a weak Grafana password is refused before anything is written", async () => {
    const run = await runFlyby(
      ["apply", "--env", "production", "--target", "cluster", "--kubeconfig", kubeconfigFor(fake)],
      repo,
      { GRAFANA_ADMIN_USER: "admin", GRAFANA_ADMIN_PASSWORD: "admin123" },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("GRAFANA_ADMIN_PASSWORD is a well-known default password");
    expect(run.stderr).not.toContain("admin123");
    expect(fake.requests.length).toBe(0);
  });

  test("--dry-run writes nothing and says what would be created", async () => {
    const run = await runFlyby(
      ["apply", "--env", "staging", "--target", "cluster", "--kubeconfig", kubeconfigFor(fake), "--dry-run"],
      repo,
    );
    expect(run.stdout).toContain("(dry run)");
    expect(fake.requests.filter((r) => r.verb === "patch").every((r) => r.dryRun)).toBe(true);
    expect(fake.cluster.all().filter((e) => e.resource.resource.kind === "Deployment")).toEqual([]);
  });

  test("usage errors exit 2", async () => {
    const run = await runFlyby(["apply", "--env", "staging", "--target", "cluster", "--gke", "nope"], repo);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("projects/PROJECT/locations/LOCATION/clusters/NAME");
  });
});

describe("an environment with several clusters", () => {
  test("fans out to every cluster in parallel and reports per cluster, one unreachable cluster included", async () => {
    const second = new FakeKube().start();
    try {
      const envFile = join(repo, "manifests/environments.yaml");
      writeFileSync(
        envFile,
        (await Bun.file(envFile).text()).replace(
          "        name: overflying\n    namespaces: [staging]",
          "        name: overflying\n      - project: overflying\n        location: europe-west1\n        name: overflying-eu\n    namespaces: [staging]",
        ),
      );
      const byPath: Record<string, FakeKube> = {
        "projects/overflying/locations/us-central1/clusters/overflying": fake,
        "projects/overflying/locations/europe-west1/clusters/overflying-eu": second,
      };
      const options: DeployOptions = {
        env: "staging",
        target: "cluster",
        gke: ["env"],
        prune: true,
        wait: false,
        timeout: Duration.parse("30s"),
        dryRun: false,
        concurrency: 4,
        force: false,
        allowDestructive: [],
      };
      const world: DeployWorld = {
        ...realWorld(repo, {}, () => undefined),
        apply: fastDeps(),
        gkeTarget: async (path) => {
          const f = byPath[path];
          if (!f) throw new EnvironmentError(`GKE getCluster ${path}: not found`);
          return new KubeApplyTarget(tokenKubeConfig(f.url, f.adminToken), `gke:${path}`);
        },
        kubeTarget: () => {
          throw new Error("no kubeconfig in this test");
        },
      };
      const result = await deploy(options, world);
      expect(result.reports.map((r) => r.target).sort()).toEqual([
        "gke:projects/overflying/locations/europe-west1/clusters/overflying-eu",
        "gke:projects/overflying/locations/us-central1/clusters/overflying",
      ]);
      expect(result.summary.created).toBe(14);
      expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(second.cluster.all().some((e) => e.resource.resource.kind === "Deployment")).toBe(true);

      delete byPath["projects/overflying/locations/europe-west1/clusters/overflying-eu"];
      const partial = await deploy({ ...options, prune: false }, world);
      const eu = partial.reports.find((r) => r.target.includes("europe-west1"));
      expect(eu?.problems[0]?.message).toContain("could not read the current state: GKE getCluster");
      expect(partial.reports.find((r) => r.target.includes("us-central1"))?.problems).toEqual([]);
      expect(exitCodeOf(partial.outcome)).toBe(3);
    } finally {
      await second.stop();
    }
  });
});
