import { InputError } from "../core/errors.ts";
import type { Finding } from "../core/finding.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import type { Outcome } from "../core/outcome.ts";
import { type GeneratedFile, staleGeneratedFiles } from "../core/plan/generated.ts";
import { type EnvironmentPlan, type PlanSummary, planReport, summarize } from "../core/plan/report.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { validateRendered } from "../core/validate/validate.ts";
import type { Baseline } from "../diff/environment.ts";
import type { Redactor } from "../diff/redact.ts";
import { type EnvironmentDiff, isDirty, renderMarkdownFull } from "../diff/report.ts";
import { renderAndDiff } from "./diff.ts";
import type { ManifestSource } from "./render.ts";

export interface PlanPorts extends ManifestSource {
  /** The manifests at a git ref; a ref that cannot be read is bad input naming `--base`. */
  manifestsAt(ref: string): ManifestTree;
  /** The base to diff against when none is given, if the repository has one. */
  defaultBase(): string | undefined;
  /** The committed generated files (alerting objects, dashboards) with what their generators make today. */
  generatedFiles(): Promise<readonly GeneratedFile[]>;
  readonly redactor: Redactor;
}

export interface PlanRequest {
  /** The git ref to diff against (`--base`). */
  readonly base?: string;
}

export interface PlanOutcome extends Outcome {
  /** The markdown report that would be posted on the PR. */
  readonly report: string;
  readonly base: string | undefined;
  /** Environments the base cannot render, diffed against nothing. */
  readonly baseNotes: readonly string[];
  readonly changed: boolean;
  readonly environments: readonly PlanSummary[];
  /** Committed generated files that differ from what their generators make. */
  readonly generated: readonly Finding[];
  readonly findings: readonly Finding[];
}

/**
 * The environment's objects at the base (none without a base), or why the base cannot render
 * it (an environment new in this change, or a base with broken manifests): plan notes that
 * rather than presenting every object as added.
 */
function baseObjects(
  baseTree: ManifestTree | undefined,
  environment: string,
): { objects: KubeObject[] } | { unrenderable: string } {
  if (!baseTree) return { objects: [] };
  try {
    return { objects: renderChecked(baseTree, environment).objects.map((r) => r.object) };
  } catch (e) {
    if (e instanceof InputError) return { unrenderable: e.message };
    throw e;
  }
}

/**
 * The offline main job: render and validate every environment, diff each against the base, and
 * check the committed generated files. Only stale generated files count as changes; the diff is
 * the report's, not a failure.
 */
export async function plan(request: PlanRequest, ports: PlanPorts): Promise<PlanOutcome> {
  const tree = ports.manifests();
  const base = request.base ?? ports.defaultBase();
  let baseTree: ManifestTree | undefined;
  const baseNotes: string[] = [];
  const baselineOf = (environment: string): Baseline => {
    if (base && !baseTree) baseTree = ports.manifestsAt(base);
    const at = baseObjects(baseTree, environment);
    if ("unrenderable" in at)
      baseNotes.push(`the base ${base} cannot render ${environment}: ${at.unrenderable}`);
    const label = !base
      ? "nothing (no git base)"
      : "unrenderable" in at
        ? `nothing (git:${base} cannot render it)`
        : `git:${base}`;
    return { type: "objects", label, objects: "objects" in at ? at.objects : [] };
  };
  const comparison = { baselines: async (env: string) => [baselineOf(env)], redactor: ports.redactor };
  const plans: EnvironmentPlan[] = [];
  const diffs: EnvironmentDiff[] = [];
  for (const env of loadEnvironments(tree).all) {
    const result = await renderAndDiff(
      tree,
      { environment: env.name, validate: validateRendered },
      comparison,
    );
    if (result.render) plans.push({ render: result.render, findings: result.findings });
    diffs.push(...result.diffs);
  }
  const stale = staleGeneratedFiles(await ports.generatedFiles());
  return {
    report: `${planReport(plans, stale, baseNotes)}\n${renderMarkdownFull(diffs)}`,
    base,
    baseNotes,
    changed: isDirty(diffs),
    environments: plans.map(summarize),
    generated: stale,
    findings: plans.flatMap((p) => p.findings),
    changes: stale.length,
  };
}
