import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { UsageError } from "../../core/errors.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import { resolveBaseline } from "../../diff/baseline.ts";
import { diffEnvironment } from "../../diff/environment.ts";
import { newSalt, Redactor } from "../../diff/redact.ts";
import {
  type EnvironmentDiff,
  isDirty,
  renderJson,
  renderMarkdownFull,
  renderText,
} from "../../diff/report.ts";
import type { Command, CommandContext } from "../command.ts";
import {
  kubeOptions,
  pathOption,
  requestTimeoutOf,
  requestTimeoutOptions,
  requiredString,
  stringOption,
} from "../options.ts";
import { realWorld } from "./apply.ts";
import { clusterTargets, diffEveryCluster, environmentOf, fleetOption, fleetRequested } from "./fleet.ts";

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

export const diffCommand: Command = {
  name: "diff",
  summary: "Object-level diff of an environment against a git ref, a folder or the live cluster",
  synopsis:
    "diff --env E --against git:REF|dir:PATH|cluster [--kubeconfig P] [--context C | --gke env] [--request-timeout D] [--format text|markdown|json]",
  details: `
Renders the environment and compares it, object by object (group, kind, namespace, name), with:
  git:REF    the same environment rendered from REF (read with git ls-tree/cat-file, no checkout)
  dir:PATH   hydrated YAML/JSON files under PATH; every object there is inventory, so one no
             longer rendered shows as a removal
  cluster    the live cluster, as \`flyby apply\` would change it: the objects are sent in the
             form apply sends them (ApplySet label, applied hash); the environment's ApplySet
             gives the live state (its parent, one LIST per kind and namespace), and a removal
             is a member of that set no longer rendered. An object whose live state already
             holds what apply would send needs no request; the others are dry-run
             (fieldManager flyby) without force, and a conflict with another field manager is
             shown as a risk naming the manager and the fields, with the diff of what
             --force-conflicts would do. 16 requests in flight. With --gke env, every
             cluster of the environment at once, one diff per cluster.
Fields the server owns are ignored (the report's footnote lists them). Secret values never
appear: changed keys show with a hash salted per run.
Exit codes: 0 nothing changed, 1 changes found, 2 bad input (e.g. an unreadable ref), 3 the
cluster could not be reached.`,
  options: {
    env: { type: "string", valueName: "E", description: "the environment (see manifests/environments.yaml)" },
    against: { type: "string", valueName: "git:REF|dir:PATH|cluster", description: "what to compare with" },
    ...kubeOptions,
    ...fleetOption,
    ...requestTimeoutOptions,
    format: { type: "string", valueName: "F", description: "text (default), markdown or json" },
  },
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
      return isDirty(results) ? ExitCode.NotClean : ExitCode.Ok;
    }
    const baseline = resolveBaseline({
      cwd: ctx.cwd,
      workDir: ctx.workDir,
      requestTimeoutMs: requestTimeoutOf(ctx).milliseconds,
      environment: env,
      against,
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(context ? { context } : {}),
    });
    const result = await diffEnvironment(env, head.objects, baseline, new Redactor(newSalt()));
    ctx.out.stdout(printDiffs(format, [result], ctx.out.color));
    return isDirty([result]) ? ExitCode.NotClean : ExitCode.Ok;
  },
};
