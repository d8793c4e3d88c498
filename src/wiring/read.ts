import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  definitionsEntry,
  generatedAlertFiles,
  loadDefinition,
  publishAlertsBuild,
  withScratchBuild,
} from "../adapters/alerts-files.ts";
import { defaultPlanBase } from "../adapters/git-base.ts";
import { readGitTree } from "../adapters/git-tree.ts";
import { checkWithPrometheusTools } from "../adapters/prometheus-checks.ts";
import { processTools } from "../adapters/promtool.ts";
import type { AlertTools } from "../alerts/tools.ts";
import type { AlertsPorts, AlertsPublish } from "../app/alerts.ts";
import type { Comparison } from "../app/diff.ts";
import type { PrDiffPorts } from "../app/diff-pr.ts";
import type { PlanPorts } from "../app/plan.ts";
import type { ValidatePorts } from "../app/validate.ts";
import type { GeneratedFile } from "../core/plan/generated.ts";
import { type BaselineRequest, resolveBaseline } from "../diff/baseline.ts";
import { newSalt, Redactor } from "../diff/redact.ts";
import { readPrObjects } from "../github/pr-objects.ts";
import { manifestFiles } from "./repository.ts";

/**
 * The wiring of the read side (validate, diff, plan, the PR diff, alerts), beside src/wiring/world.ts
 * and in the same role: it builds the adapters these use cases are given. It is a module of its
 * own so that these commands start without the cluster and GKE clients src/wiring/world.ts loads; the
 * adapters that need them (a live baseline) or the Grafana SDK (the dashboards) are loaded when
 * they are used.
 */

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
    async baselines(environment) {
      const { baselineSources } = await import("../adapters/baseline-sources.ts");
      const req = { ...request, environment };
      return [resolveBaseline(req, baselineSources(req))];
    },
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
  const { generatedDashboardFiles } = await import("../adapters/dashboard-files.ts");
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
