import { KubeApplyTarget } from "./adapters/kube-target.ts";
import type { ApplyDeps } from "./apply/apply.ts";
import type { ApplyTarget } from "./apply/port.ts";
import { applicationDefaultCredentials, gkeApplyTarget } from "./gke/credentials.ts";
import { loadKubeConfig } from "./kube/cluster.ts";

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
