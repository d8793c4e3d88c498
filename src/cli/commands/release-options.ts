import { resolveUserPath } from "../../adapters/user-path.ts";
import { Duration } from "../../core/duration.ts";
import { UsageError } from "../../core/errors.ts";
import { artifactBundleStore, githubLedger, type RepoRef } from "../../github/deployments.ts";
import { makeOctokit } from "../../github/octokit.ts";
import { originUrl, resolveRepository } from "../../github/repository.ts";
import { bundleRollout } from "../../promote/adapters/apply-rollout.ts";
import { smokeCheck } from "../../promote/adapters/smoke-check.ts";
import type { BundleStore, DeployDeps, DeploymentLedger } from "../../promote/ports.ts";
import { expectationsForEnvironment } from "../../smoke/adapters/environment.ts";
import { systemClock } from "../../smoke/poller.ts";
import { accessFrom, parseCount, parseHttpUrl } from "../../smoke/run.ts";
import type { CommandContext, OptionSpec } from "../command.ts";
import { flag, parseTarget, pathOption, stringOption } from "../options.ts";
import { applyCommand, optionsOf, realWorld } from "./apply.ts";

/** Where the ledger lives: GITHUB_TOKEN, and GITHUB_REPOSITORY or the clone's origin remote. */
export const githubOptions: Readonly<Record<string, OptionSpec>> = {
  bundles: {
    type: "string",
    valueName: "DIR",
    description: "folder of bundles by hash, uploaded as artifacts by the workflow (default .flyby/bundles)",
  },
};

const applyOptions = applyCommand.options;

/** Where to apply, as `flyby apply` takes it, and how to reach the smoke checks. */
export const targetOptions: Readonly<Record<string, OptionSpec>> = {
  ...Object.fromEntries(
    ["kubeconfig", "context", "gke", "timeout", "concurrency"].map((k) => [k, applyOptions[k] as OptionSpec]),
  ),
  target: { ...(applyOptions.target as OptionSpec), description: "where to apply (default cluster)" },
  prometheus: { type: "string", valueName: "URL", description: "smoke checks: Prometheus base URL" },
  "via-cluster": {
    type: "boolean",
    description: "smoke checks: reach Prometheus through the Kubernetes API",
  },
  grafana: { type: "string", valueName: "URL", description: "smoke checks: Grafana base URL" },
  "smoke-timeout": {
    type: "string",
    valueName: "D",
    description: "smoke checks: give up after (default 3m)",
  },
  "scrape-interval": {
    type: "string",
    valueName: "D",
    description: "smoke checks: Prometheus scrape interval (default 15s)",
  },
  gpus: { type: "string", valueName: "N", description: "smoke checks: GPUs per worker pod (default 1)" },
};

/** GITHUB_REPOSITORY in a workflow job, else the clone's origin remote. */
export function repoFrom(ctx: Pick<CommandContext, "env" | "cwd">): RepoRef {
  return resolveRepository(ctx.env, () => originUrl(ctx.cwd));
}

/** GitHub Deployments and the bundle store, from the job's environment. */
export function githubParts(ctx: CommandContext): { ledger: DeploymentLedger; store: BundleStore } {
  const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
  if (!token) {
    throw new UsageError(
      "GITHUB_TOKEN is not set: the GitHub Deployments of the repository record what was verified where",
    );
  }
  const repo = repoFrom(ctx);
  const octokit = makeOctokit(token, ctx.env.GITHUB_API_URL);
  const run = ctx.env.GITHUB_RUN_ID;
  const logUrl =
    run && ctx.env.GITHUB_SERVER_URL
      ? `${ctx.env.GITHUB_SERVER_URL}/${repo.owner}/${repo.repo}/actions/runs/${run}`
      : undefined;
  const dir = pathOption(ctx, "bundles") ?? resolveUserPath(ctx.cwd, ".flyby/bundles");
  return {
    ledger: githubLedger(octokit, repo, logUrl ? { logUrl } : {}),
    store: artifactBundleStore(octokit, repo, dir),
  };
}

/** Everything a deploy, promotion or rollback talks to, from the command line and the job's environment. */
export function deployDeps(ctx: CommandContext): DeployDeps {
  const progress = (line: string) => ctx.out.stderr(line.endsWith("\n") ? line : `${line}\n`);
  const prometheusUrl = stringOption(ctx, "prometheus");
  const kubeconfig = pathOption(ctx, "kubeconfig");
  const context = stringOption(ctx, "context");
  const grafana = stringOption(ctx, "grafana");
  const interval = stringOption(ctx, "scrape-interval");
  const gpus = stringOption(ctx, "gpus");
  const access = accessFrom({
    ...(prometheusUrl !== undefined ? { prometheusUrl } : {}),
    viaCluster: flag(ctx, "via-cluster"),
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    env: ctx.env,
  });
  const { ledger, store } = githubParts(ctx);
  return {
    ledger,
    store,
    rollout: bundleRollout(
      (environment) =>
        optionsOf({
          ...ctx,
          options: {
            ...ctx.options,
            env: environment,
            target: stringOption(ctx, "target") ?? "cluster",
            kubeconfig,
          },
        }),
      realWorld(ctx.cwd, ctx.env, progress),
    ),
    smoke: smokeCheck(
      (environment) =>
        expectationsForEnvironment(ctx.cwd, environment, {
          ...(interval ? { scrapeInterval: Duration.parse(interval, "--scrape-interval") } : {}),
          ...(gpus !== undefined ? { gpusPerWorker: parseCount(gpus, "--gpus") } : {}),
        }),
      {
        access,
        ...(grafana ? { grafanaUrl: parseHttpUrl(grafana, "--grafana") } : {}),
        timeout: Duration.parse(stringOption(ctx, "smoke-timeout") ?? "3m", "--smoke-timeout"),
        env: ctx.env,
        fetch: (url, init) => fetch(url, init),
        clock: systemClock,
        progress,
      },
    ),
    ...(ctx.env.GITHUB_ACTOR ? { actor: ctx.env.GITHUB_ACTOR } : {}),
    now: () => Date.now(),
    progress,
  };
}

export const reportOptions: Readonly<Record<string, OptionSpec>> = {
  env: {
    type: "string",
    multiple: true,
    valueName: "E",
    description: "an environment, repeatable (default staging and production)",
  },
  format: { type: "string", valueName: "text|markdown", description: "output format (default text)" },
};

/** --env (repeatable, default both environments) and --format text|markdown. */
export function reportChoices(ctx: CommandContext): { environments: string[]; format: "text" | "markdown" } {
  const format = parseTarget(stringOption(ctx, "format") ?? "text", "format", [
    "text",
    "markdown",
  ] as const).scheme;
  const given = ctx.options.env as string[] | undefined;
  return { environments: given?.length ? given : ["staging", "production"], format };
}
