import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { plan } from "../../app/plan.ts";
import { formatFinding } from "../../core/finding.ts";
import { stringOption } from "../../core/options.ts";
import { planPorts } from "../../wiring/read.ts";
import type { CommandImplementation } from "../command.ts";
import { planReportPath } from "./plan.meta.ts";

export const planImplementation: CommandImplementation = {
  async run(ctx) {
    const base = stringOption(ctx, "base");
    const outcome = await plan(base ? { base } : {}, planPorts(ctx.cwd));
    const path = join(ctx.cwd, planReportPath);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, outcome.report);
    const { baseNotes, changed, environments, generated } = outcome;
    if (ctx.out.json) {
      ctx.out.stdout(
        `${JSON.stringify({ report: planReportPath, base: outcome.base, baseNotes, changed, environments, generated })}\n`,
      );
    } else {
      for (const f of generated) ctx.out.stdout(`${formatFinding(f)}\n  hint: ${f.hint}\n`);
      for (const note of baseNotes) ctx.out.stdout(`note: ${note}; its objects are diffed against nothing\n`);
      for (const s of environments) {
        ctx.out.stdout(
          `${s.environment}: ${s.objects} objects, ${s.errors} errors, ${s.warnings} warnings\n`,
        );
      }
      ctx.out.stdout(
        `${changed ? "changes" : "no changes"} against ${outcome.base ?? "no git base"}; report: ${planReportPath}\n`,
      );
    }
    return outcome;
  },
};
