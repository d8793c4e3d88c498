import { join } from "node:path";
import { loadKubeConfig } from "./adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "./adapters/kube/target.ts";
import { loadManifestTree } from "./adapters/manifest-files.ts";
import { resolveUserPath } from "./adapters/user-path.ts";
import type { ApplyDeps } from "./apply/apply.ts";
import type { ApplyTarget } from "./apply/port.ts";
import { defaultRetryPolicy, withRetry } from "./apply/retry.ts";
import { loadEnvironments } from "./core/manifests/environments.ts";
import { renderChecked } from "./core/render/render-checked.ts";
import { readGitTree } from "./diff/adapters/git-tree.ts";
import { readHydratedDir } from "./diff/adapters/hydrated-dir.ts";
import type { BaselineRequest, BaselineSources } from "./diff/baseline.ts";

/**
 * The wiring: the one place that reaches the real world (process.env, the clock, timers,
 * randomness, the file system roots, the network) and builds the adapters the use cases
 * are given. Tests build their own worlds from fakes instead.
 */

/** The outside world a deploy talks to; tests replace the clusters. */
export interface DeployWorld {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly apply: ApplyDeps;
  gkeTarget(path: string): Promise<ApplyTarget>;
  kubeTarget(kubeconfig: string | undefined, context: string | undefined): ApplyTarget;
}

/** Real clusters: kubeconfig contexts, or GKE through its REST API and Application Default Credentials. */
export function realWorld(
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
  progress: (line: string) => void,
): DeployWorld {
  return {
    cwd,
    env,
    apply: {
      sleep: (ms) => Bun.sleep(ms),
      random: Math.random,
      now: () => Date.now(),
      progress,
    },
    async gkeTarget(path) {
      // The GKE client is heavy to load: only a run that talks to GKE pays for it.
      const { applicationDefaultCredentials, gkeApplyTarget } = await import("./adapters/gke/credentials.ts");
      const auth = await applicationDefaultCredentials();
      return gkeApplyTarget(path, auth);
    },
    kubeTarget(kubeconfig, context) {
      const kc = loadKubeConfig({
        ...(kubeconfig ? { kubeconfig } : {}),
        ...(context ? { context } : {}),
        env,
      });
      return new KubeApplyTarget(kc, `cluster:${kc.getCurrentContext()}`);
    },
  };
}

/** What `diff --against` reads: the repository at a ref, a folder, or the live cluster. */
export function baselineSources(req: BaselineRequest): BaselineSources {
  return {
    renderedAt: (ref) =>
      renderChecked(readGitTree(req.cwd, ref), req.environment).objects.map((r) => r.object),
    hydratedFolder: (path) => readHydratedDir(resolveUserPath(req.workDir ?? req.cwd, path), path),
    scope() {
      const environment = loadEnvironments(loadManifestTree(join(req.cwd, "manifests"))).get(req.environment);
      return {
        environment: environment.name,
        appNamespace: environment.appNamespace,
        namespaces: environment.namespaces,
      };
    },
    liveCluster() {
      const kc = loadKubeConfig({
        ...(req.kubeconfig ? { kubeconfig: req.kubeconfig } : {}),
        ...(req.context ? { context: req.context } : {}),
        ...(req.env ? { env: req.env } : {}),
      });
      return {
        // Named by its URL, so every failure says which server it was.
        target: new KubeApplyTarget(
          kc,
          kc.getCurrentCluster()?.server ?? `cluster:${kc.getCurrentContext()}`,
          req.requestTimeoutMs ? { requestTimeoutMs: req.requestTimeoutMs } : {},
        ),
        // 429s and 5xx are retried as apply retries them.
        call: (f) => withRetry(f, defaultRetryPolicy, { sleep: Bun.sleep, random: Math.random }),
      };
    },
  };
}
