import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { loadEnvironments } from "../../core/manifests/environments.ts";
import { type EnvironmentPlan, planReport, summarize } from "../../core/plan/report.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import { validateRendered } from "../../core/validate/validate.ts";
import type { Command } from "../command.ts";

export const planReportPath = ".flyby/plan/report.md";

export const planCommand: Command = {
  name: "plan",
  summary: "The offline main job: render and validate every environment and write the report",
  synopsis: "plan [--base REF]",
  details: `
Renders and validates every environment in manifests/environments.yaml and writes the report
that would be posted on a pull request to ${planReportPath}. Needs no cluster and no secrets.
Exit 1 when any environment has error findings.`,
  options: {
    base: {
      type: "string",
      valueName: "REF",
      description: "the git base to compare with (default: merge base with main, or HEAD~1)",
    },
  },
  async run(ctx) {
    const tree = loadManifestTree(join(ctx.cwd, "manifests"));
    const plans: EnvironmentPlan[] = loadEnvironments(tree).all.map((env) => {
      const render = renderChecked(tree, env.name);
      return { render, findings: validateRendered(render) };
    });
    const report = planReport(plans);
    const path = join(ctx.cwd, planReportPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, report);
    const summaries = plans.map(summarize);
    if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify({ report: planReportPath, environments: summaries })}\n`);
    } else {
      for (const s of summaries) {
        ctx.out.stdout(
          `${s.environment}: ${s.objects} objects, ${s.errors} errors, ${s.warnings} warnings\n`,
        );
      }
      ctx.out.stdout(`report: ${planReportPath}\n`);
    }
    return summaries.some((s) => s.errors > 0) ? ExitCode.NotClean : ExitCode.Ok;
  },
};
