import { join } from "node:path";
import { DirApplyTarget } from "./adapters/dir-target.ts";
import { applicationDefaultCredentials, gkeApplyTarget } from "./adapters/gke/credentials.ts";
import { loadKubeConfig } from "./adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "./adapters/kube/target.ts";
import { loadManifestTree } from "./adapters/manifest-files.ts";
import { checkOutputFolder, writeOutputFolder } from "./adapters/output-folder.ts";
import type { DeployWorld } from "./app/deploy.ts";

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
    apply: {
      sleep: (ms) => Bun.sleep(ms),
      random: Math.random,
      now: () => Date.now(),
      progress,
    },
    manifests: () => loadManifestTree(join(cwd, "manifests")),
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
