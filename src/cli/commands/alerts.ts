import { stackManifestPath } from "../../alerts/stack-manifest.ts";
import type { AlertTools, ToolRun } from "../../alerts/tools.ts";
import { buildAlertFiles, checkAlerts, testAlerts } from "../../app/alerts.ts";
import { type Finding, formatFinding } from "../../core/finding.ts";
import { requiredString, userPath } from "../../core/options.ts";
import { alertsOutput, alertsPorts } from "../../wiring/read.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";

function report(
  ctx: CommandContext,
  findings: readonly Finding[],
  runs: readonly ToolRun[],
  extra: object = {},
): void {
  if (ctx.out.json) {
    ctx.out.stdout(`${JSON.stringify({ ...extra, findings, tools: runs }, null, 2)}\n`);
    return;
  }
  for (const f of findings) ctx.out.stdout(`${formatFinding(f)}${f.hint ? `\n  hint: ${f.hint}` : ""}\n`);
  for (const r of runs) {
    ctx.out.stdout(`${r.ok ? "ok" : "FAILED"}: ${r.command}\n`);
    if (!r.ok && r.output) ctx.out.stdout(`${r.output.replace(/^/gm, "  ")}\n`);
  }
}

/** The alerts commands, running the tools `toolsIn` gives for a folder (the real ones by default). */
export function alertsCommands(toolsIn?: (dir: string) => AlertTools): CommandImplementation[] {
  const buildCommand: CommandImplementation = {
    async run(ctx) {
      const given = requiredString(ctx, "out", "DIR");
      const out = userPath(ctx, given);
      const outcome = await buildAlertFiles({
        ...alertsPorts(ctx.cwd, toolsIn),
        ...alertsOutput(ctx.cwd, out, given),
      });
      const written = outcome.files.length > 0;
      report(ctx, outcome.findings, [], { out: written ? out : null, files: outcome.files });
      if (!ctx.out.json && written) {
        ctx.out.stdout(`wrote ${outcome.files.length} files to ${out}, and ${stackManifestPath}\n`);
      }
      return outcome;
    },
  };

  const checkCommand: CommandImplementation = {
    async run(ctx) {
      const outcome = await checkAlerts(alertsPorts(ctx.cwd, toolsIn));
      report(ctx, outcome.findings, outcome.runs);
      return outcome;
    },
  };

  const testCommand: CommandImplementation = {
    async run(ctx) {
      const outcome = await testAlerts(alertsPorts(ctx.cwd, toolsIn));
      const { runs } = outcome;
      const failed = runs.filter((r) => !r.ok);
      report(ctx, [], ctx.out.json ? runs : failed);
      if (!ctx.out.json) {
        ctx.out.stdout(
          `${runs.length - failed.length}/${runs.length} passed (promtool unit tests, ${outcome.routingCases} amtool routing cases)\n`,
        );
      }
      return outcome;
    },
  };

  return [buildCommand, checkCommand, testCommand];
}

export const [alertsBuildImplementation, alertsCheckImplementation, alertsTestImplementation] =
  alertsCommands() as [CommandImplementation, CommandImplementation, CommandImplementation];
