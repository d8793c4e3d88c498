import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  definitionsEntry,
  generatedAlertFiles,
  loadDefinition,
  publishAlertsBuild,
  withScratchBuild,
} from "./adapters/alerts-files.ts";
import { generatedDashboardFiles } from "./adapters/dashboard-files.ts";
import { defaultPlanBase } from "./adapters/git-base.ts";
import { KubeApplyTarget } from "./adapters/kube-target.ts";
import { loadManifestTree } from "./adapters/manifest-files.ts";
import { checkWithPrometheusTools } from "./adapters/prometheus-checks.ts";
import { processTools } from "./adapters/promtool.ts";
import type { AlertTools } from "./alerts/tools.ts";
import type { AlertsPorts, AlertsPublish } from "./app/alerts.ts";
import type { Comparison, PrDiffPorts } from "./app/diff.ts";
import type { PlanPorts } from "./app/plan.ts";
import type { ManifestSource } from "./app/render.ts";
import type { ValidatePorts } from "./app/validate.ts";
import type { ApplyDeps } from "./apply/apply.ts";
import type { ApplyTarget } from "./apply/port.ts";
import type { GeneratedFile } from "./core/plan/generated.ts";
import { readGitTree } from "./diff/adapters/git-tree.ts";
import { type BaselineRequest, resolveBaseline } from "./diff/baseline.ts";
import { newSalt, Redactor } from "./diff/redact.ts";
import { readPrObjects } from "./github/pr-objects.ts";
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

// The read side: render, validate, diff, plan and the PR diff read the repository under `root`.

/** The manifests under `root/manifests`, read when a use case asks for them. */
export function manifestFiles(root: string): ManifestSource {
  return { manifests: () => loadManifestTree(join(root, "manifests")) };
}

/** Validation with the promtool and amtool installed on this machine. */
export function validatePorts(root: string): ValidatePorts {
  return { ...manifestFiles(root), toolFindings: (objects) => checkWithPrometheusTools(objects) };
}

/** A redactor with a fresh salt: hashes of secret values differ from one run to the next. */
export function newRedactor(): Redactor {
  return new Redactor(newSalt());
}

/** A comparison with what `--against` names: git:REF, dir:PATH or cluster. */
export function againstComparison(request: Omit<BaselineRequest, "environment">): Comparison {
  return {
    baselines: async (environment) => [resolveBaseline({ ...request, environment })],
    redactor: newRedactor(),
  };
}

/** A PR's environment: the repository's manifests, `--against`, and the uploaded artifacts. */
export function prDiffPorts(request: Omit<BaselineRequest, "environment">): PrDiffPorts {
  return { ...manifestFiles(request.cwd), ...againstComparison(request), readArtifact: readPrObjects };
}

/**
 * The committed generated files (alerting objects, dashboards) with what their generators make
 * today. Both are generated from alerts/: none without it.
 */
async function generatedFiles(root: string): Promise<GeneratedFile[]> {
  if (!existsSync(join(root, definitionsEntry))) return [];
  return [...(await generatedAlertFiles(root)), ...(await generatedDashboardFiles(root))];
}

/** The plan of the repository under `root`: its git history is the base. */
export function planPorts(root: string): PlanPorts {
  return {
    ...manifestFiles(root),
    // An explicit --base that cannot be read is bad input (exit 2); see readGitTree.
    manifestsAt: (ref) => readGitTree(root, ref, "--base"),
    defaultBase: () => defaultPlanBase(root),
    generatedFiles: () => generatedFiles(root),
    redactor: newRedactor(),
  };
}

/** The alerts of the repository under `root`, checked with the tools `toolsIn` runs in a folder. */
export function alertsPorts(root: string, toolsIn: (dir: string) => AlertTools = processTools): AlertsPorts {
  return {
    root,
    definition: () => loadDefinition(root),
    withBuild: (files, use) => withScratchBuild(files, (dir) => use(toolsIn(dir))),
  };
}

/** Where `alerts build` writes: `out` (shown as the user wrote it), and the manifest under `root`. */
export function alertsOutput(root: string, out: string, display: string): AlertsPublish {
  return { publish: (files, manifest) => publishAlertsBuild(root, out, display, files, manifest) };
}
