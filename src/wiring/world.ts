import { DirApplyTarget } from "../adapters/dir-target.ts";
import {
  applicationDefaultCredentials,
  gkeApplyTarget,
  gkeKubeConfig,
  resolveGkeCluster,
  tokenSourceOf,
} from "../adapters/gke/credentials.ts";
import { loadKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { repositoryManifests } from "../adapters/manifest-files.ts";
import { checkOutputFolder, writeOutputFolder } from "../adapters/output-folder.ts";
import { type DeployWorld, gkeTargetOrUnreachable } from "../app/deploy.ts";
import type { SmokePorts } from "../app/smoke.ts";
import type { ClusterTarget } from "../app/status.ts";
import { type Environment, gkeClusterPath, loadEnvironments } from "../core/manifests/environments.ts";
import { openSources } from "../smoke/adapters/open-sources.ts";
import type { ClusterAccess } from "../smoke/fleet.ts";
import { systemClock } from "./clock.ts";

/**
 * The wiring: the one place that reaches the real world (process.env, the clock, timers,
 * randomness, the file system roots, the network) and builds the adapters the use cases
 * are given. Tests build their own worlds from fakes instead.
 */

/** Real clusters: kubeconfig contexts, or GKE through its REST API and Application Default Credentials. */
export function realWorld(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  progress: (line: string) => void,
): DeployWorld {
  return {
    cwd,
    env,
    apply: { sleep: systemClock.sleep, random: Math.random, now: systemClock.now, progress },
    manifests: () => repositoryManifests(cwd),
    dirTarget(root, display) {
      const rules = { display, cwd };
      checkOutputFolder(root, rules);
      return new DirApplyTarget(root, (path, files) => writeOutputFolder(path, files, rules), display);
    },
    async gkeTarget(path, requestTimeoutMs) {
      const auth = await applicationDefaultCredentials();
      const target = await gkeApplyTarget(path, auth);
      if (requestTimeoutMs !== undefined) target.setRequestTimeout(requestTimeoutMs);
      return target;
    },
    kubeTarget(kubeconfig, context, requestTimeoutMs) {
      const kc = loadKubeConfig({
        ...(kubeconfig ? { kubeconfig } : {}),
        ...(context ? { context } : {}),
        env,
      });
      const target = new KubeApplyTarget(kc, `cluster:${kc.getCurrentContext()}`);
      if (requestTimeoutMs !== undefined) target.setRequestTimeout(requestTimeoutMs);
      return target;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Fleets: every cluster of an environment (`--gke env`), for status, drift, diff and smoke.
// ---------------------------------------------------------------------------------------------

/** Each cluster's API server; `kubeconfig` holds the contexts, GKE clusters go through the GKE API. */
export function clusterTargets(
  env: Environment,
  world: DeployWorld,
  kubeconfig: string | undefined,
): Promise<ClusterTarget[]> {
  return Promise.all(
    env.clusters.map(async (c) => ({
      cluster: c.name,
      target:
        c.kind === "gke"
          ? // A GKE cluster that cannot be resolved is that cluster's answer; the others still run.
            await gkeTargetOrUnreachable(world, gkeClusterPath(c))
          : world.kubeTarget(kubeconfig, c.context),
    })),
  );
}

/** Each cluster's Prometheus through its own API server proxy (smoke --via-cluster --gke env). */
export function clusterAccesses(env: Environment, kubeconfig: string | undefined): ClusterAccess[] {
  return env.clusters.map((c) => ({
    cluster: c.name,
    access:
      c.kind === "context"
        ? { kind: "cluster", ...(kubeconfig ? { kubeconfig } : {}), context: c.context }
        : {
            kind: "kube",
            config: async () => {
              const auth = await applicationDefaultCredentials();
              return gkeKubeConfig(await resolveGkeCluster(gkeClusterPath(c), auth), tokenSourceOf(auth));
            },
          },
  }));
}

/** An environment of the repository at `cwd`, as manifests/environments.yaml declares it. */
export function environmentAt(cwd: string, name: string): Environment {
  return loadEnvironments(repositoryManifests(cwd)).get(name);
}

/** How long one request to a cluster may take, for the targets that send requests. */
export function limitRequests(targets: readonly ClusterTarget[], requestTimeoutMs: number): void {
  for (const { target } of targets) {
    if (target instanceof KubeApplyTarget) target.setRequestTimeout(requestTimeoutMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Smoke checks: the network, the clock they poll with, and how they reach Prometheus and Grafana.
// ---------------------------------------------------------------------------------------------

/** Real HTTP, the system clock and the sources over HTTP: `flyby smoke`, actions/smoke, releases. */
export function smokeWorld(): Omit<SmokePorts, "progress"> {
  return { fetch: (url, init) => fetch(url, init), clock: systemClock, open: openSources };
}
