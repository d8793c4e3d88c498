import { join } from "node:path";
import { loadKubeConfig } from "../adapters/kube/kubeconfig.ts";
import { KubeApplyTarget } from "../adapters/kube/target.ts";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { resolveUserPath } from "../adapters/user-path.ts";
import { applySetParent } from "../apply/inventory.ts";
import { defaultRetryPolicy, withRetry } from "../apply/retry.ts";
import { UsageError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { didYouMean } from "../core/suggest.ts";
import { readGitTree } from "./adapters/git-tree.ts";
import { readHydratedDir } from "./adapters/hydrated-dir.ts";
import type { Baseline } from "./environment.ts";
import type { LiveScope } from "./live.ts";

export interface BaselineRequest {
  /** The repository root. */
  readonly cwd: string;
  readonly environment: string;
  /** `git:REF`, `dir:PATH` or `cluster`. */
  readonly against: string;
  /** Where a relative `dir:PATH` starts (default the repository root). */
  readonly workDir?: string;
  /** How long one request to the cluster may take. */
  readonly requestTimeoutMs?: number;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** Where to look for a kubeconfig when none is named (HOME, KUBERNETES_SERVICE_HOST). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const schemes = ["git", "dir", "cluster"] as const;

/** The environment's ApplySet scope, as apply uses it. */
function scopeOf(req: BaselineRequest): LiveScope {
  const environment = loadEnvironments(loadManifestTree(join(req.cwd, "manifests"))).get(req.environment);
  return {
    environment: environment.name,
    appNamespace: environment.appNamespace,
    namespaces: environment.namespaces,
  };
}

/** Resolves `--against` into the objects (or the live cluster) the environment is compared with. */
export function resolveBaseline(req: BaselineRequest): Baseline {
  const colon = req.against.indexOf(":");
  const scheme = colon < 0 ? req.against : req.against.slice(0, colon);
  const rest = colon < 0 ? "" : req.against.slice(colon + 1);
  switch (scheme as (typeof schemes)[number]) {
    case "git": {
      if (!rest) throw new UsageError("--against git:REF needs a ref, e.g. git:main");
      const objects = renderChecked(readGitTree(req.cwd, rest), req.environment).objects.map((r) => r.object);
      return { type: "objects", label: req.against, objects };
    }
    case "dir": {
      if (!rest) throw new UsageError("--against dir:PATH needs a folder");
      const objects = readHydratedDir(resolveUserPath(req.workDir ?? req.cwd, rest), rest);
      // A folder `apply --target dir:` wrote holds the environment's ApplySet parent: compare
      // with what apply would write there, and leave the parent out.
      const scope = scopeOf(req);
      const parent = applySetParent(scope.environment, scope.appNamespace);
      const isParent = (o: KubeObject) =>
        o.kind === "ConfigMap" &&
        o.metadata.name === parent.name &&
        o.metadata.namespace === parent.namespace;
      if (!objects.some(isParent)) return { type: "objects", label: req.against, objects };
      return {
        type: "objects",
        label: req.against,
        objects: objects.filter((o) => !isParent(o)),
        appliedAs: parent,
      };
    }
    case "cluster": {
      if (colon >= 0) {
        throw new UsageError(
          `--against "${req.against}": write "cluster" alone and choose the cluster with --context C`,
        );
      }
      const kc = loadKubeConfig({
        ...(req.kubeconfig ? { kubeconfig: req.kubeconfig } : {}),
        ...(req.context ? { context: req.context } : {}),
        ...(req.env ? { env: req.env } : {}),
      });
      return {
        type: "cluster",
        label: req.context ? `cluster (${req.context})` : "cluster",
        // Named by its URL, so every failure says which server it was.
        target: new KubeApplyTarget(
          kc,
          kc.getCurrentCluster()?.server ?? `cluster:${kc.getCurrentContext()}`,
          req.requestTimeoutMs ? { requestTimeoutMs: req.requestTimeoutMs } : {},
        ),
        scope: scopeOf(req),
        // 429s and 5xx are retried as apply retries them.
        call: (f) => withRetry(f, defaultRetryPolicy, { sleep: Bun.sleep, random: Math.random }),
      };
    }
    default:
      throw new UsageError(
        `--against "${req.against}" is not one of: git:REF, dir:PATH, cluster${didYouMean(scheme, schemes)}`,
      );
  }
}
