import { applySetParent } from "../apply/inventory.ts";
import type { ApplyTarget } from "../apply/port.ts";
import { UsageError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { didYouMean } from "../core/suggest.ts";
import type { Baseline } from "./environment.ts";
import type { LiveDiffOptions, LiveScope } from "./live.ts";

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

/** A live cluster to diff against, and how each request to it is made (e.g. retried). */
export interface LiveCluster {
  readonly target: ApplyTarget;
  readonly call?: LiveDiffOptions["call"];
}

/** Where the baselines come from: the repository at a ref, a folder, the cluster (see wiring). */
export interface BaselineSources {
  /** The environment rendered from `manifests/` as it is at a git ref. */
  renderedAt(ref: string): readonly KubeObject[];
  /** The objects of a folder of hydrated manifests, the folder as the user wrote it. */
  hydratedFolder(path: string): readonly KubeObject[];
  /** The environment's ApplySet scope, as apply uses it. */
  scope(): LiveScope;
  /** The cluster the kubeconfig and context lead to. */
  liveCluster(): LiveCluster;
}

const schemes = ["git", "dir", "cluster"] as const;

/**
 * A folder `apply --target dir:` wrote holds the environment's ApplySet parent: it is compared
 * with what apply would write there, and the parent is left out.
 */
function folderBaseline(label: string, objects: readonly KubeObject[], scope: LiveScope): Baseline {
  const parent = applySetParent(scope.environment, scope.appNamespace);
  const isParent = (o: KubeObject) =>
    o.kind === "ConfigMap" && o.metadata.name === parent.name && o.metadata.namespace === parent.namespace;
  if (!objects.some(isParent)) return { type: "objects", label, objects };
  return { type: "objects", label, objects: objects.filter((o) => !isParent(o)), appliedAs: parent };
}

/** Resolves `--against` into the objects (or the live cluster) the environment is compared with. */
export function resolveBaseline(
  req: Pick<BaselineRequest, "against" | "context">,
  sources: BaselineSources,
): Baseline {
  const colon = req.against.indexOf(":");
  const scheme = colon < 0 ? req.against : req.against.slice(0, colon);
  const rest = colon < 0 ? "" : req.against.slice(colon + 1);
  switch (scheme as (typeof schemes)[number]) {
    case "git": {
      if (!rest) throw new UsageError("--against git:REF needs a ref, e.g. git:main");
      return { type: "objects", label: req.against, objects: sources.renderedAt(rest) };
    }
    case "dir": {
      if (!rest) throw new UsageError("--against dir:PATH needs a folder");
      return folderBaseline(req.against, sources.hydratedFolder(rest), sources.scope());
    }
    case "cluster": {
      if (colon >= 0) {
        throw new UsageError(
          `--against "${req.against}": write "cluster" alone and choose the cluster with --context C`,
        );
      }
      const { target, call } = sources.liveCluster();
      return {
        type: "cluster",
        label: req.context ? `cluster (${req.context})` : "cluster",
        target,
        scope: sources.scope(),
        ...(call ? { call } : {}),
      };
    }
    default:
      throw new UsageError(
        `--against "${req.against}" is not one of: git:REF, dir:PATH, cluster${didYouMean(scheme, schemes)}`,
      );
  }
}
