import { type Comparison, clusterBaselines, diff } from "../../app/diff.ts";
import { UsageError } from "../../core/errors.ts";
import { pathOption, requestTimeoutOf, requiredString, stringOption } from "../../core/options.ts";
import { type BaselineAnswer, renderJson, renderMarkdownFull, renderText } from "../../diff/report.ts";
import { againstComparison, newRedactor } from "../../wiring/read.ts";
import { manifestFiles } from "../../wiring/repository.ts";
import { clusterTargets, environmentAt, limitRequests, realWorld } from "../../wiring/world.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { fleetRequested } from "./fleet.ts";

const formats = ["text", "markdown", "json"] as const;
type Format = (typeof formats)[number];

function formatOf(ctx: CommandContext): Format {
  const f = stringOption(ctx, "format") ?? (ctx.out.json ? "json" : "text");
  if (!(formats as readonly string[]).includes(f)) {
    throw new UsageError(`--format "${f}" is not one of: ${formats.join(", ")}`);
  }
  return f as Format;
}

function printDiffs(format: Format, diffs: readonly BaselineAnswer[], color: boolean): string {
  if (format === "markdown") return renderMarkdownFull(diffs);
  return format === "json" ? renderJson(diffs) : renderText(diffs, color);
}

/** Every cluster of the environment (`--gke env`), each its own baseline and its own answer. */
function fleetComparison(ctx: CommandContext, against: string, kubeconfig: string | undefined): Comparison {
  return {
    async baselines(env) {
      if (against !== "cluster") throw new UsageError("--gke env goes with --against cluster");
      const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
      const environment = environmentAt(ctx.cwd, env);
      const targets = await clusterTargets(environment, world, kubeconfig);
      limitRequests(targets, requestTimeoutOf(ctx).milliseconds);
      return clusterBaselines(environment, targets);
    },
    redactor: newRedactor(),
    fleet: true,
  };
}

export const diffImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const against = requiredString(ctx, "against", "git:REF|dir:PATH|cluster");
    const format = formatOf(ctx);
    const kubeconfig = pathOption(ctx, "kubeconfig") ?? ctx.env.KUBECONFIG;
    const context = stringOption(ctx, "context");
    const comparison = fleetRequested(ctx)
      ? fleetComparison(ctx, against, kubeconfig)
      : againstComparison({
          cwd: ctx.cwd,
          workDir: ctx.workDir,
          requestTimeoutMs: requestTimeoutOf(ctx).milliseconds,
          against,
          ...(kubeconfig ? { kubeconfig } : {}),
          ...(context ? { context } : {}),
          env: ctx.env,
        });
    const outcome = await diff({ environment: env }, { ...manifestFiles(ctx.cwd), ...comparison });
    ctx.out.stdout(printDiffs(format, outcome.answers, ctx.out.color));
    return outcome;
  },
};
