import { createHash } from "node:crypto";
import { join } from "node:path";
import { DirApplyTarget } from "../../adapters/dir-target.ts";
import { KubeApplyTarget } from "../../adapters/kube-target.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { checkOutputFolder, writeOutputFolder } from "../../adapters/output-folder.ts";
import { resolveUserPath } from "../../adapters/user-path.ts";
import { applyEnvironment } from "../../apply/apply.ts";
import type { ApplyTarget } from "../../apply/port.ts";
import { progressBoard } from "../../apply/progress.ts";
import { parseAllowDestructive } from "../../apply/prune.ts";
import {
  type ApplyReport,
  formatReport,
  formatSummaryTable,
  outcomeOf,
  reportJson,
  type Summary,
  summarize,
} from "../../apply/report.ts";
import { buildEnvironmentSecrets, secretVariables } from "../../apply/secrets.ts";
import type { Duration } from "../../core/duration.ts";
import { UsageError } from "../../core/errors.ts";
import { stageOf } from "../../core/kube/kinds.ts";
import type { RenderedObject } from "../../core/kube/object.ts";
import { gkeClusterPath } from "../../core/manifests/environments.ts";
import type { Outcome } from "../../core/outcome.ts";
import { renderToText } from "../../core/render/output.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import { parseGkeClusterPath } from "../../gke/credentials.ts";
import { type DeployWorld, realWorld } from "../../wiring.ts";
import type { CommandContext, CommandImplementation, OptionValues } from "../command.ts";
import {
  flag,
  optionDefaults,
  parseTarget,
  pathOption,
  requestTimeoutOf,
  requiredString,
  stringOption,
  timeoutOption,
} from "../options.ts";
import { paint } from "../paint.ts";
import { applyCommand } from "./apply.meta.ts";

export interface DeployOptions {
  readonly env: string;
  /** `dir:PATH` or `cluster`. */
  readonly target: string;
  /** Where a relative `dir:PATH` starts (default the repository root). */
  readonly workDir?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** GKE cluster paths; `env` stands for every cluster of the environment. */
  readonly gke: readonly string[];
  readonly prune: boolean;
  readonly wait: boolean;
  readonly timeout: Duration;
  /** How long one request to a cluster may take (default 30 s). */
  readonly requestTimeout?: Duration;
  readonly dryRun: boolean;
  readonly concurrency: number;
  readonly force: boolean;
  readonly allowDestructive: readonly string[];
  /** Objects to apply instead of the environment's render: a release bundle's. */
  readonly objects?: readonly RenderedObject[];
}

export interface DeployResult {
  readonly reports: readonly ApplyReport[];
  /** What the runs found; the exit policy decides whether the deploy failed. */
  readonly outcome: Outcome;
  /** sha256 of the rendered YAML (without the Secrets built from the environment). */
  readonly sha256: string;
  readonly summary: Summary;
}

/** A cluster whose credentials could not be resolved: its report says why, the others go on. */
function unreachable(name: string, error: unknown): ApplyTarget {
  const fail = () => Promise.reject(error);
  return { name, list: fail, get: fail, apply: fail, delete: fail };
}

function sortForApply(objects: readonly RenderedObject[]): RenderedObject[] {
  return [...objects].sort((a, b) => stageOf(a.object.kind) - stageOf(b.object.kind));
}

export interface PreparedDeploy {
  /** sha256 of the rendered YAML (without the Secrets built from the environment). */
  readonly sha256: string;
  /** The environment's `production` flag: GitHub records its Deployments as production ones. */
  readonly production: boolean;
  run(): Promise<DeployResult>;
}

/**
 * Renders the environment and checks the options and secrets; `run()` then applies to every
 * target in parallel, one report per target.
 */
export function prepareDeploy(options: DeployOptions, world: DeployWorld): PreparedDeploy {
  const allow = new Set(
    options.allowDestructive.map((v) => {
      try {
        return parseAllowDestructive(v);
      } catch (e) {
        throw new UsageError(`--allow-destructive ${(e as Error).message}`);
      }
    }),
  );
  const target = parseTarget(options.target, "target", ["dir", "cluster"] as const);
  const result = renderChecked(loadManifestTree(join(world.cwd, "manifests")), options.env);
  const environment = result.environment;
  const rendered = options.objects ?? result.objects;
  const sha256 = createHash("sha256").update(renderToText(rendered)).digest("hex");
  let makeTargets: () => Promise<ApplyTarget[]>;
  let objects: readonly RenderedObject[] = rendered;
  if (target.scheme === "dir") {
    if (!target.rest) throw new UsageError("--target dir:PATH needs a folder");
    if (options.gke.length > 0 || options.kubeconfig || options.context) {
      throw new UsageError("--gke, --kubeconfig and --context go with --target cluster");
    }
    // A folder is relative to where the command runs, like every path a person types.
    const root = resolveUserPath(options.workDir ?? world.cwd, target.rest);
    const rules = { display: target.rest, cwd: world.cwd };
    checkOutputFolder(root, rules);
    const dir = new DirApplyTarget(root, (path, files) => writeOutputFolder(path, files, rules), target.rest);
    makeTargets = async () => [dir];
  } else {
    const secrets = buildEnvironmentSecrets(
      rendered.map((r) => r.object),
      world.env,
    ).map((object) => ({
      object,
      source: { file: `environment (${secretVariables(object.metadata.name).join(", ")})` },
    }));
    objects = sortForApply([...rendered, ...secrets]);
    if (options.gke.length > 0) {
      if (options.context) throw new UsageError("--gke does not go with --context");
      const fleet = options.gke.includes("env") ? environment.clusters : [];
      const contexts = fleet.filter((c) => c.kind === "context");
      if (options.kubeconfig && contexts.length === 0) {
        throw new UsageError(
          "--gke does not go with --kubeconfig unless the environment lists kube contexts",
        );
      }
      const paths = [
        ...new Set([
          ...fleet.flatMap((c) => (c.kind === "gke" ? [gkeClusterPath(c)] : [])),
          ...options.gke.filter((g) => g !== "env").map(parseGkeClusterPath),
        ]),
      ];
      const kubeconfig = options.kubeconfig
        ? resolveUserPath(world.cwd, options.kubeconfig)
        : world.env.KUBECONFIG;
      makeTargets = () =>
        Promise.all([
          ...paths.map((p) => world.gkeTarget(p).catch((e: unknown) => unreachable(`gke:${p}`, e))),
          // A context the kubeconfig lacks is bad input (exit 2), not an unreachable cluster.
          ...contexts.map(async (c) => world.kubeTarget(kubeconfig, c.context)),
        ]);
    } else {
      makeTargets = async () => [
        world.kubeTarget(
          options.kubeconfig ? resolveUserPath(world.cwd, options.kubeconfig) : world.env.KUBECONFIG,
          options.context,
        ),
      ];
    }
  }
  const request = {
    environment: environment.name,
    appNamespace: environment.appNamespace,
    namespaces: environment.namespaces,
    objects,
    prune: options.prune,
    wait: options.wait,
    timeoutMs: options.timeout.milliseconds,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    force: options.force,
    allowDestructive: allow,
  };
  return {
    sha256,
    production: environment.production,
    async run() {
      const targets = await makeTargets();
      if (options.requestTimeout) {
        for (const t of targets)
          if (t instanceof KubeApplyTarget) t.setRequestTimeout(options.requestTimeout.milliseconds);
      }
      const reports = await Promise.all(
        targets.map((t) =>
          applyEnvironment(t, request, {
            ...world.apply,
            progress: (line) => world.apply.progress(targets.length > 1 ? `${t.name}: ${line}` : line),
          }),
        ),
      );
      const summary = summarize(reports.flatMap((r) => r.objects));
      return { reports, outcome: outcomeOf(reports), sha256, summary };
    },
  };
}

export function deploy(options: DeployOptions, world: DeployWorld): Promise<DeployResult> {
  return prepareDeploy(options, world).run();
}

export function deployJson(result: DeployResult): string {
  return `${JSON.stringify({
    summary: result.summary,
    objects: result.reports.flatMap((r) => r.objects.map((o) => ({ target: r.target, ...reportJson(o) }))),
    problems: result.reports.flatMap((r) => r.problems.map((p) => ({ target: r.target, ...p }))),
    sha256: result.sha256,
  })}\n`;
}

export function optionsOf(ctx: CommandContext): DeployOptions {
  const concurrencyText = requiredString(ctx, "concurrency", "N");
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError(`--concurrency "${concurrencyText}" must be a whole number from 1 to 256`);
  }
  const list = (name: string) => {
    const v = ctx.options[name];
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  };
  const requestTimeout = requestTimeoutOf(ctx);
  const kubeconfig = pathOption(ctx, "kubeconfig");
  const context = stringOption(ctx, "context");
  return {
    env: requiredString(ctx, "env", "E"),
    target: requiredString(ctx, "target", "dir:PATH|cluster"),
    workDir: ctx.workDir,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    gke: list("gke"),
    prune: flag(ctx, "prune"),
    wait: flag(ctx, "wait"),
    timeout: timeoutOption(ctx, "timeout"),
    requestTimeout,
    dryRun: flag(ctx, "dry-run"),
    concurrency,
    force: flag(ctx, "force-conflicts"),
    allowDestructive: list("allow-destructive"),
  };
}

/** What the deploy action reads its inputs with (@actions/core). */
export interface ActionInputs {
  getInput(name: string, options?: { required?: boolean }): string;
  getBooleanInput(name: string): boolean;
  getMultilineInput(name: string): string[];
}

/** The deploy action's inputs, named as the command's options (`environment` is `--env`). */
/** The deploy options from an action's inputs; a `dir:` folder is relative to `workDir`. */
export function deployOptionsFromInputs(core: ActionInputs, workDir: string): DeployOptions {
  const strings = ["kubeconfig", "context", "timeout", "concurrency"];
  const flags = ["prune", "wait", "dry-run", "force-conflicts"];
  const options: OptionValues = {
    ...optionDefaults(applyCommand.options),
    env: core.getInput("environment", { required: true }),
    target: core.getInput("target", { required: true }),
    ...Object.fromEntries(strings.flatMap((n) => (core.getInput(n) ? [[n, core.getInput(n)]] : []))),
    ...Object.fromEntries(flags.map((n) => [n, core.getBooleanInput(n)])),
    gke: core.getMultilineInput("gke"),
    "allow-destructive": core.getMultilineInput("allow-destructive"),
  };
  return optionsOf({ options, cwd: workDir, workDir } as CommandContext);
}

/** Runs `apply` with the given world; the command itself passes the real one. */
export async function runApply(ctx: CommandContext, world: DeployWorld): Promise<Outcome> {
  const result = await deploy(optionsOf(ctx), world);
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
