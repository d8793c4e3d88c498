import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { bundleRollout } from "../app/bundle-rollout.ts";
import type { DeployWorld } from "../app/deploy.ts";
import type { DeployOptions } from "../app/deploy-options.ts";
import { Duration } from "../core/duration.ts";
import type { DemoStack } from "../demo/stack.ts";
import { artifactBundleStore, bundleArtifactName, githubLedger } from "../github/deployments.ts";
import { makeOctokit } from "../github/octokit.ts";
import { deployAndVerify } from "../promote/deploy.ts";
import { prometheusOverHttp } from "../smoke/adapters/prometheus-http.ts";
import { directScraper } from "../smoke/adapters/scrape-http.ts";
import { defaultExpectations } from "../smoke/expectations.ts";
import { pollUntilPassed } from "../smoke/poller.ts";
import { systemClock } from "../wiring/clock.ts";
import { stagingBundleOf } from "./bundles.ts";
import type { FakeDeployments } from "./fake-github/deployments.ts";
import { FakeKube } from "./fake-kube/server.ts";
import { proxyPathAnswer } from "./fake-kube-proxy.ts";
import { ScriptedSmoke } from "./memory-deploy.ts";
import type { TestRegistry } from "./oci-registry.ts";
import { makeZip } from "./zip.ts";

/** What the release stories share: a git repository driven as a developer would, and the job's artifacts. */

/** Runs git in the repository, failing the test on an error. */
export function gitIn(repo: string, ...args: string[]): string {
  const r = Bun.spawnSync(["git", ...args], { cwd: repo, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.toString()}`);
  return r.stdout.toString().trim();
}

/** Commits everything in the repository and returns the commit. */
export function commitAll(repo: string, message: string): string {
  gitIn(repo, "add", "-A");
  gitIn(repo, "-c", "user.name=dev", "-c", "user.email=dev@example.com", "commit", "-qm", message);
  return gitIn(repo, "rev-parse", "HEAD");
}

/** What actions/upload-artifact does at the end of a job: each bundle file becomes an artifact. */
export function uploadBundles(
  deployments: FakeDeployments,
  repo: { owner: string; name: string },
  dir: string,
  run: { id: number; headSha: string },
): void {
  if (!existsSync(dir)) return;
  for (const file of readdirSync(dir)) {
    const sha = file.replace(/\.json$/, "");
    if (deployments.artifacts.some((a) => a.name === bundleArtifactName(sha))) continue;
    const zip = makeZip(new Map([[file, readFileSync(join(dir, file), "utf8")]]));
    deployments.addArtifact(repo.owner, repo.name, bundleArtifactName(sha), zip, run);
  }
}

/** A fake cluster whose rollouts become ready and whose claims a storage provisioner binds. */
export function readyCluster(options?: ConstructorParameters<typeof FakeKube>[0]): FakeKube {
  const kube = new FakeKube(options).start();
  kube.controller.defaultMode = "ready";
  kube.controller.start(20);
  kube.cluster.subscribe((e) => {
    const status = e.object.status as { phase?: string } | undefined;
    if (
      e.resource.resource.kind !== "PersistentVolumeClaim" ||
      e.type === "DELETED" ||
      status?.phase === "Bound"
    )
      return;
    setTimeout(
      () =>
        kube.cluster.write(
          e.resource,
          { ...e.object, status: { phase: "Bound" } },
          "persistentvolume-binder",
          "status",
        ),
      10,
    );
  });
  return kube;
}

/** The image of a Deployment's first container on a fake cluster ("" when it is not there). */
export function firstImage(kube: FakeKube, namespace: string, name: string): string {
  const t = kube.cluster.resourceForKind("apps/v1", "Deployment");
  const d = t && kube.cluster.find(t, namespace, name);
  const spec = d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined;
  return spec?.template.spec.containers[0]?.image ?? "";
}

/**
 * A fault for a fake cluster: once a worker Deployment running `brokenDigest()` is applied to
 * production, its pods stop exposing GPU metrics; the good build brings them back. Held for
 * two scrapes so that Prometheus has seen the change before the smoke checks look.
 */
export function brokenWorkerFault(stack: DemoStack, brokenDigest: () => string) {
  return async (req: Request, url: URL): Promise<undefined> => {
    if (
      req.method !== "PATCH" ||
      !url.pathname.endsWith("/namespaces/production/deployments/overflying-worker")
    )
      return undefined;
    const broken = brokenDigest() !== "" && (await req.clone().text()).includes(brokenDigest());
    stack.exporters.get("worker-production")?.setFaults(broken ? ["no-gpu-metrics"] : []);
    await Bun.sleep(2500);
    return undefined;
  };
}

/**
 * The stack's Prometheus and exporters behind a fake API server's service and pod proxies (its
 * `fault` hook), so that the smoke checks reach them `--via-cluster` as on a real cluster.
 */
export function stackBehindApiServer(
  stack: DemoStack,
): (req: Request, url: URL) => Promise<Response> | undefined {
  // The stack's pods live in the namespace named for their environment (`worker-production`).
  const pods = Object.fromEntries(
    [...stack.exporters].map(([key, e]) => [`${key.slice(key.indexOf("-") + 1)}/${e.pod}`, "127.0.0.1"]),
  );
  const services = { "observability/prometheus:9090": stack.prometheus.url };
  return (req, url) => proxyPathAnswer({ services, pods }, req, url);
}

/** Prometheus needs one discovery cycle before the first scrape: waits until every environment passes. */
export async function untilStackHealthy(stack: DemoStack, environments: readonly string[]): Promise<void> {
  for (const environment of environments) {
    const run = await pollUntilPassed({
      sources: { prometheus: prometheusOverHttp(stack.prometheus.url, fetch), scraper: directScraper(fetch) },
      expectations: defaultExpectations(environment, { scrapeInterval: Duration.ofSeconds(1) }),
      timeout: Duration.ofSeconds(30),
      clock: systemClock,
    });
    if (!run.verdict.passed)
      throw new Error(`the demo stack never became healthy: ${JSON.stringify(run.verdict)}`);
  }
}

/** A workflow job's environment: GitHub, the registry, and the Secrets apply builds. */
export function jobEnv(
  github: { url: string },
  registry: TestRegistry,
  repository: string,
  secrets: { grafanaPassword: string; receiverToken: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    GITHUB_TOKEN: "ghs-test-token",
    GITHUB_REPOSITORY: repository,
    GITHUB_API_URL: github.url,
    FLYBY_REGISTRY_PASSWORD: registry.password,
    FLYBY_REGISTRY_PLAIN_HTTP: registry.host,
    FLYBY_REGISTRY_HOSTS: registry.host,
    GRAFANA_ADMIN_USER: "grafana-admin",
    GRAFANA_ADMIN_PASSWORD: secrets.grafanaPassword,
    FLYBY_RECEIVER_TOKEN: secrets.receiverToken,
    ...extra,
  };
}

/**
 * Where deploy, promote and rollback apply and smoke-check in the stories: the stack's
 * Prometheus by URL, unless `reach` says otherwise (`--via-cluster` for every cluster).
 */
export function releaseTargetArgs(
  stack: DemoStack,
  bundles: string,
  target: readonly string[],
  reach: readonly string[] = ["--prometheus", stack.prometheus.url],
): string[] {
  return [
    "--target",
    "cluster",
    ...target,
    "--timeout",
    "20s",
    ...reach,
    "--scrape-interval",
    "1s",
    "--smoke-timeout",
    "6s",
    "--bundles",
    bundles,
  ];
}

/**
 * Staging as the staging job leaves it: the scratch repository's staging bundle applied (with
 * prune and wait) through `world`, and its GitHub Deployment successful on the fake GitHub.
 */
export async function deployStagingBundle(
  repo: string,
  githubUrl: string,
  target: Pick<DeployOptions, "gke"> & { readonly kubeconfig?: string },
  world: DeployWorld,
): Promise<void> {
  const owner = { owner: "overflying", repo: "platform" };
  const octokit = makeOctokit("ghs-test-token", githubUrl);
  const commit = "e".repeat(40);
  const outcome = await deployAndVerify(
    {
      ledger: githubLedger(octokit, owner),
      store: artifactBundleStore(octokit, owner, join(repo, ".flyby/bundles")),
      rollout: bundleRollout(
        (environment) => ({
          env: environment,
          target: "cluster",
          ...target,
          prune: true,
          wait: true,
          timeout: Duration.ofSeconds(10),
          dryRun: false,
          concurrency: 8,
          force: false,
          allowDestructive: [],
        }),
        world,
      ),
      smoke: new ScriptedSmoke(),
      now: () => Date.now(),
      progress: () => {},
    },
    await stagingBundleOf(loadManifestTree(join(repo, "manifests")), commit),
    commit,
  );
  if (outcome.state !== "success") throw new Error(`staging deploy failed: ${outcome.reason}`);
}
