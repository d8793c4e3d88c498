import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { definitionsEntry, generatedAlertFiles } from "../../adapters/alerts-files.ts";
import { generatedDashboardFiles } from "../../adapters/dashboard-files.ts";
import { defaultPlanBase } from "../../adapters/git-base.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { InputError } from "../../core/errors.ts";
import { formatFinding } from "../../core/finding.ts";
import type { KubeObject } from "../../core/kube/object.ts";
import { loadEnvironments } from "../../core/manifests/environments.ts";
import type { ManifestTree } from "../../core/manifests/tree.ts";
import { staleGeneratedFiles } from "../../core/plan/generated.ts";
import { type EnvironmentPlan, planReport, summarize } from "../../core/plan/report.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import { validateRendered } from "../../core/validate/validate.ts";
import { readGitTree } from "../../diff/adapters/git-tree.ts";
import { diffEnvironment } from "../../diff/environment.ts";
import { newSalt, Redactor } from "../../diff/redact.ts";
import { isDirty, renderMarkdownFull } from "../../diff/report.ts";
import type { CommandImplementation } from "../command.ts";
import { stringOption } from "../options.ts";
import { planReportPath } from "./plan.meta.ts";

export const planImplementation: CommandImplementation = {
  async run(ctx) {
    const tree = loadManifestTree(join(ctx.cwd, "manifests"));
    const plans: EnvironmentPlan[] = loadEnvironments(tree).all.map((env) => {
      const render = renderChecked(tree, env.name);
      return { render, findings: validateRendered(render) };
    });
    const stale = staleGeneratedFiles(await generatedFiles(ctx.cwd));
    const base = stringOption(ctx, "base") ?? defaultPlanBase(ctx.cwd);
    // An explicit --base that cannot be read is bad input (exit 2); see readGitTree.
    const baseTree = base ? readGitTree(ctx.cwd, base, "--base") : undefined;
    const redactor = new Redactor(newSalt());
    const baseNotes: string[] = [];
    const diffs = await Promise.all(
      plans.map((p) => {
        const at = baseObjects(baseTree, p);
        if ("unrenderable" in at)
          baseNotes.push(`the base ${base} cannot render ${p.render.environment.name}: ${at.unrenderable}`);
        return diffEnvironment(
          p.render.environment.name,
          p.render.objects,
          {
            type: "objects",
            label: !base
              ? "nothing (no git base)"
              : "unrenderable" in at
                ? `nothing (git:${base} cannot render it)`
                : `git:${base}`,
            objects: "objects" in at ? at.objects : [],
          },
          redactor,
        );
      }),
    );
    const report = `${planReport(plans, stale, baseNotes)}\n${renderMarkdownFull(diffs)}`;
    const path = join(ctx.cwd, planReportPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, report);
    const summaries = plans.map(summarize);
    if (ctx.out.json) {
      ctx.out.stdout(
        `${JSON.stringify({ report: planReportPath, base, baseNotes, changed: isDirty(diffs), environments: summaries, generated: stale })}\n`,
      );
    } else {
      for (const f of stale) ctx.out.stdout(`${formatFinding(f)}\n  hint: ${f.hint}\n`);
      for (const note of baseNotes) ctx.out.stdout(`note: ${note}; its objects are diffed against nothing\n`);
      for (const s of summaries) {
        ctx.out.stdout(
          `${s.environment}: ${s.objects} objects, ${s.errors} errors, ${s.warnings} warnings\n`,
        );
      }
      ctx.out.stdout(
        `${isDirty(diffs) ? "changes" : "no changes"} against ${base ?? "no git base"}; report: ${planReportPath}\n`,
      );
    }
    return { findings: plans.flatMap((p) => p.findings), changes: stale.length };
  },
};

/**
 * The committed generated files (alerting objects, dashboards) with what their generators make
 * today. Both are generated from alerts/: none without it.
 */
async function generatedFiles(root: string) {
  if (!existsSync(join(root, definitionsEntry))) return [];
  return [...(await generatedAlertFiles(root)), ...(await generatedDashboardFiles(root))];
}

/**
 * The environment's objects at the base (none without a base), or why the base cannot render
 * it (an environment new in this change, or a base with broken manifests): plan notes that
 * rather than presenting every object as added.
 */
function baseObjects(
  baseTree: ManifestTree | undefined,
  plan: EnvironmentPlan,
): { objects: KubeObject[] } | { unrenderable: string } {
  if (!baseTree) return { objects: [] };
  try {
    return { objects: renderChecked(baseTree, plan.render.environment.name).objects.map((r) => r.object) };
  } catch (e) {
    if (e instanceof InputError) return { unrenderable: e.message };
    throw e;
  }
}
