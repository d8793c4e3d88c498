import { type DeployResult, type DeployWorld, deploy } from "../../app/deploy.ts";
import { deployOptionsOf } from "../../app/deploy-options.ts";
import { progressBoard } from "../../apply/progress.ts";
import { formatReport, formatSummaryTable, reportJson } from "../../apply/report.ts";
import { paint } from "../../core/color.ts";
import type { Outcome } from "../../core/outcome.ts";
import { realWorld } from "../../wiring.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";

export function deployJson(result: DeployResult): string {
  return `${JSON.stringify({
    summary: result.summary,
    objects: result.reports.flatMap((r) => r.objects.map((o) => ({ target: r.target, ...reportJson(o) }))),
    problems: result.reports.flatMap((r) => r.problems.map((p) => ({ target: r.target, ...p }))),
    sha256: result.sha256,
  })}\n`;
}

/** Runs `apply` with the given world; the command itself passes the real one. */
export async function runApply(ctx: CommandContext, world: DeployWorld): Promise<Outcome> {
  const result = await deploy(deployOptionsOf(ctx), world);
  if (ctx.out.json) ctx.out.stdout(deployJson(result));
  else {
    for (const r of result.reports) ctx.out.stdout(`${formatReport(r)}\n`);
    ctx.out.stdout(formatSummaryTable(result.reports));
  }
  return result.outcome;
}

export const applyImplementation: CommandImplementation = {
  run(ctx) {
    const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
    // Rollout lines go to stderr: redrawn in place when it is a terminal, appended otherwise.
    const board = progressBoard({
      tty: process.stderr.isTTY === true,
      now: Date.now,
      write: ctx.out.stderr,
      tint: (colour, text) => paint(ctx.out.color, colour, text),
    });
    return runApply(ctx, { ...world, apply: { ...world.apply, board } });
  },
};
