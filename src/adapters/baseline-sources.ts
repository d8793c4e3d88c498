import { defaultRetryPolicy, withRetry } from "../apply/retry.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { resolveUserPath } from "../core/user-path.ts";
import type { BaselineRequest, BaselineSources } from "../diff/baseline.ts";
import { readGitTree } from "./git-tree.ts";
import { readHydratedDir } from "./hydrated-dir.ts";
import { loadKubeConfig } from "./kube/kubeconfig.ts";
import { KubeApplyTarget } from "./kube/target.ts";
import { repositoryManifests } from "./manifest-files.ts";

/** What `diff --against` reads: the repository at a ref, a folder, or the live cluster. */
export function baselineSources(req: BaselineRequest): BaselineSources {
  return {
    renderedAt: (ref) =>
      renderChecked(readGitTree(req.cwd, ref), req.environment).objects.map((r) => r.object),
    hydratedFolder: (path) => readHydratedDir(resolveUserPath(req.workDir ?? req.cwd, path), path),
    scope() {
      const environment = loadEnvironments(repositoryManifests(req.cwd)).get(req.environment);
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
