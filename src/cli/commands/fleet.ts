import { join } from "node:path";
import { KubeApplyTarget } from "../../adapters/kube-target.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import type { ApplyTarget } from "../../apply/port.ts";
import { UsageError } from "../../core/errors.ts";
import type { RenderedObject } from "../../core/kube/object.ts";
import { type Environment, gkeClusterPath, loadEnvironments } from "../../core/manifests/environments.ts";
import { type Baseline, diffEnvironment } from "../../diff/environment.ts";
import { newSalt, Redactor } from "../../diff/redact.ts";
import type { EnvironmentDiff } from "../../diff/report.ts";
import {
  applicationDefaultCredentials,
  gkeKubeConfig,
  resolveGkeCluster,
  tokenSourceOf,
} from "../../gke/credentials.ts";
import type { ClusterAccess } from "../../smoke/fleet.ts";
import type { DeployWorld } from "../../wiring.ts";
import type { CommandContext } from "../command.ts";

/** Whether the command runs on every cluster of the environment (`--gke env`). */
export function fleetRequested(ctx: CommandContext): boolean {
  const given = ctx.options.gke;
  const values = Array.isArray(given) ? given : typeof given === "string" ? [given] : [];
  if (values.length === 0) return false;
  if (values.some((v) => v !== "env")) {
    throw new UsageError(
      `--gke takes "env" here (every cluster of the environment), not "${values.join(", ")}"`,
    );
  }
  if (ctx.options.context !== undefined) throw new UsageError("--gke env does not go with --context");
  return true;
}

export function environmentOf(ctx: CommandContext, name: string): Environment {
  return loadEnvironments(loadManifestTree(join(ctx.cwd, "manifests"))).get(name);
}

/** Each cluster's API server, to diff against or apply to; `kubeconfig` holds the contexts. */
export function clusterTargets(
  env: Environment,
  world: DeployWorld,
  kubeconfig: string | undefined,
): Promise<{ readonly cluster: string; readonly target: ApplyTarget }[]> {
  return Promise.all(
    env.clusters.map(async (c) => ({
      cluster: c.name,
      target:
        c.kind === "gke" ? await world.gkeTarget(gkeClusterPath(c)) : world.kubeTarget(kubeconfig, c.context),
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

/** Each cluster as a baseline to diff against, labelled `cluster NAME` (just `cluster` for an unnamed one). */
export function clusterBaselines(
  env: Environment,
  targets: readonly { readonly cluster: string; readonly target: ApplyTarget }[],
  requestTimeoutMs: number,
): Baseline[] {
  const scope = { environment: env.name, appNamespace: env.appNamespace, namespaces: env.namespaces };
  return targets.map(({ cluster, target }) => {
    if (target instanceof KubeApplyTarget) target.setRequestTimeout(requestTimeoutMs);
    return { type: "cluster", label: cluster ? `cluster ${cluster}` : "cluster", target, scope };
  });
}

/**
 * The rendered objects against every cluster at once, as `diff --against cluster` compares
 * them: one diff per cluster.
 */
export function diffEveryCluster(
  env: Environment,
  rendered: readonly RenderedObject[],
  targets: readonly { readonly cluster: string; readonly target: ApplyTarget }[],
  requestTimeoutMs: number,
): Promise<EnvironmentDiff[]> {
  const redactor = new Redactor(newSalt());
  return Promise.all(
    clusterBaselines(env, targets, requestTimeoutMs).map((b) =>
      diffEnvironment(env.name, rendered, b, redactor),
    ),
  );
}
