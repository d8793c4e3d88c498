import { readBundleFile } from "../adapters/bundle-sources.ts";
import { gitLine } from "../adapters/git.ts";
import { bundleRollout } from "../app/bundle-rollout.ts";
import { deployOptionSpecs, deployOptionsOf } from "../app/deploy-options.ts";
import { smokeCheck } from "../app/smoke-check.ts";
import type { Bundle } from "../bundle/bundle.ts";
import { InputError, UsageError } from "../core/errors.ts";
import { type OptionSource, optionDefaults, pathOption, stringOption, userPath } from "../core/options.ts";
import { resolveUserPath } from "../core/user-path.ts";
import { artifactBundleStore, githubLedger } from "../github/deployments.ts";
import { githubDriftIssues } from "../github/issues.ts";
import { makeOctokit } from "../github/octokit.ts";
import { originUrl, resolveRepository } from "../github/repository.ts";
import type { DriftIssues } from "../promote/drift.ts";
import type { BundleStore, DeployDeps, DeploymentLedger } from "../promote/ports.ts";
import { grafanaAnnotations } from "../smoke/adapters/grafana-annotations.ts";
import { grafanaCredentialsFrom } from "../smoke/adapters/grafana-http.ts";
import { systemClock } from "./clock.ts";
import { readSmokeSettings, type SmokeSource } from "./smoke-settings.ts";
import { realWorld, smokeWorld } from "./world.ts";

/**
 * What a deploy, promotion or rollback is wired from: the options (`deploy`, `promote` and
 * `rollback`'s flags, or the promote action's inputs), the repository, the job's environment.
 */
export interface ReleaseSettings extends SmokeSource {
  /** Where progress lines go (stderr for the CLI, the log for an action). */
  progress(line: string): void;
}

/** GitHub Deployments, the bundle store and the drift issues, from the job's environment. */
export function githubParts(ctx: Omit<ReleaseSettings, "progress">): {
  ledger: DeploymentLedger;
  store: BundleStore;
  issues: DriftIssues;
} {
  const token = ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN;
  if (!token) {
    throw new UsageError(
      "GITHUB_TOKEN is not set: the GitHub Deployments of the repository record what was verified where",
    );
  }
  // GITHUB_REPOSITORY in a workflow job, else the clone's origin remote.
  const repo = resolveRepository(ctx.env, () => originUrl(ctx.cwd));
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
    issues: githubDriftIssues(octokit, repo),
  };
}

/** Everything a deploy, promotion or rollback talks to, from the command line and the job's environment. */
export function deployDeps(ctx: ReleaseSettings): DeployDeps {
  const progress = ctx.progress;
  // Read first: bad smoke settings are refused before GitHub or a cluster is asked anything.
  const smoke = readSmokeSettings(ctx, "release");
  const kubeconfig = pathOption(ctx, "kubeconfig");
  const { ledger, store } = githubParts(ctx);
  const { grafanaUrl } = smoke;
  return {
    ledger,
    store,
    // A finished deploy, promotion or rollback is marked on the dashboards of the Grafana it checked.
    ...(grafanaUrl
      ? {
          annotations: grafanaAnnotations(
            grafanaUrl,
            (url, init) => fetch(url, init),
            grafanaCredentialsFrom(ctx.env),
          ),
        }
      : {}),
    rollout: bundleRollout(
      (environment) =>
        deployOptionsOf({
          ...ctx,
          options: {
            ...optionDefaults(deployOptionSpecs),
            ...ctx.options,
            env: environment,
            target: stringOption(ctx, "target"),
            kubeconfig,
          },
        }),
      realWorld(ctx.cwd, ctx.env, progress),
    ),
    smoke: smokeCheck(smoke.request, { ...smokeWorld(), progress }),
    ...(ctx.env.GITHUB_ACTOR ? { actor: ctx.env.GITHUB_ACTOR } : {}),
    now: systemClock.now,
    progress,
  };
}

/** A bundle file as a person named it (relative to where they ran the command), checked against its hash. */
export function bundleFile(source: OptionSource, file: string): Bundle {
  return readBundleFile(userPath(source, file), file);
}

/** The tag being released and its commit: flags, else the tag the workflow runs for. */
export function releaseTag(ctx: Omit<ReleaseSettings, "progress">): { tag: string; commit: string } {
  const fromRef = ctx.env.GITHUB_REF_TYPE === "tag" ? ctx.env.GITHUB_REF_NAME : undefined;
  const tag = stringOption(ctx, "tag") ?? fromRef;
  if (!tag) throw new UsageError("no tag: pass --tag vX.Y.Z (a tag workflow sets GITHUB_REF_NAME)");
  const given = stringOption(ctx, "commit") ?? (tag === fromRef ? ctx.env.GITHUB_SHA : undefined);
  if (given) {
    if (!/^[0-9a-f]{40}$/.test(given))
      throw new UsageError(`--commit "${given}" is not a full 40-hex commit id`);
    return { tag, commit: given };
  }
  const commit = gitLine(ctx.cwd, ["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`]);
  if (!commit) {
    throw new InputError(`the tag ${tag} does not exist in this checkout`, undefined, "--tag");
  }
  return { tag, commit };
}
