import { join } from "node:path";
import { baselineSources } from "../../adapters/baseline-sources.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { UsageError } from "../../core/errors.ts";
import { pathOption, requestTimeoutOf, requiredString, stringOption } from "../../core/options.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import { resolveBaseline } from "../../diff/baseline.ts";
import { diffEnvironment } from "../../diff/environment.ts";
import { newSalt, Redactor } from "../../diff/redact.ts";
import {
  changedObjects,
  type EnvironmentDiff,
  renderJson,
  renderMarkdownFull,
  renderText,
} from "../../diff/report.ts";
import { realWorld } from "../../wiring/world.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { clusterTargets, diffEveryCluster, environmentOf, fleetRequested } from "./fleet.ts";

const formats = ["text", "markdown", "json"] as const;
type Format = (typeof formats)[number];

function formatOf(ctx: CommandContext): Format {
  const f = stringOption(ctx, "format") ?? (ctx.out.json ? "json" : "text");
  if (!(formats as readonly string[]).includes(f)) {
    throw new UsageError(`--format "${f}" is not one of: ${formats.join(", ")}`);
  }
  return f as Format;
}

function printDiffs(format: Format, diffs: EnvironmentDiff[], color: boolean): string {
  if (format === "markdown") return renderMarkdownFull(diffs);
  return format === "json" ? renderJson(diffs) : renderText(diffs, color);
}

export const diffImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const against = requiredString(ctx, "against", "git:REF|dir:PATH|cluster");
    const format = formatOf(ctx);
    const head = renderChecked(loadManifestTree(join(ctx.cwd, "manifests")), env);
    const kubeconfig = pathOption(ctx, "kubeconfig") ?? ctx.env.KUBECONFIG;
    const context = stringOption(ctx, "context");
    if (fleetRequested(ctx)) {
      if (against !== "cluster") throw new UsageError("--gke env goes with --against cluster");
      const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
      const environment = environmentOf(ctx, env);
      const targets = await clusterTargets(environment, world, kubeconfig);
      const results = await diffEveryCluster(
        environment,
        head.objects,
        targets,
        requestTimeoutOf(ctx).milliseconds,
      );
      ctx.out.stdout(printDiffs(format, results, ctx.out.color));
      return { changes: changedObjects(results) };
    }
    const request = {
      cwd: ctx.cwd,
      workDir: ctx.workDir,
      requestTimeoutMs: requestTimeoutOf(ctx).milliseconds,
      environment: env,
      against,
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(context ? { context } : {}),
      env: ctx.env,
    };
    const baseline = resolveBaseline(request, baselineSources(request));
    const result = await diffEnvironment(env, head.objects, baseline, new Redactor(newSalt()));
    ctx.out.stdout(printDiffs(format, [result], ctx.out.color));
    return { changes: changedObjects([result]) };
  },
};
