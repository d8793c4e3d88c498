import { join } from "node:path";
import { KubeApplyTarget } from "../../adapters/kube-target.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { EnvironmentError } from "../../core/errors.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { loadEnvironments } from "../../core/manifests/environments.ts";
import { diffEnvironment } from "../../diff/environment.ts";
import { newSalt, Redactor } from "../../diff/redact.ts";
import { isDirty, renderMarkdownFull, renderText } from "../../diff/report.ts";
import { githubDriftIssues } from "../../github/issues.ts";
import { makeOctokit } from "../../github/octokit.ts";
import { type DriftCheck, syncDriftIssue } from "../../promote/drift.ts";
import { currentDeployment } from "../../promote/history.ts";
import type { Command } from "../command.ts";
import {
  flag,
  kubeOptions,
  pathOption,
  requestTimeoutOf,
  requestTimeoutOptions,
  stringOption,
} from "../options.ts";
import { realWorld } from "./apply.ts";
import { githubOptions, githubParts, repoFrom, reportChoices, reportOptions } from "./release-options.ts";

export const driftCommand: Command = {
  name: "drift",
  summary: "Diff the live cluster against the bundle last applied to each environment",
  synopsis:
    "drift [--env E]... [--kubeconfig P] [--context C] [--request-timeout D] [--issue] [--format text|markdown]",
  details: `
For each environment, takes the bundle of its newest successful GitHub Deployment (a rollback
counts: it is what should run) and diffs the live objects against it, as \`flyby diff
--against cluster\` does, with Secret values redacted. With --issue, keeps one open issue per
drifting environment ("Drift in production", label flyby-drift) up to date and closes it once
the live state matches again.
Exit 0 no drift, 1 drift found, 3 GitHub or the cluster unreachable or the bundle gone.`,
  options: {
    ...kubeOptions,
    ...requestTimeoutOptions,
    issue: { type: "boolean", description: "open, update or close the environment's drift issue" },
    ...reportOptions,
    ...githubOptions,
  },
  async run(ctx) {
    const { environments, format } = reportChoices(ctx);
    const { ledger, store } = githubParts(ctx);
    const kubeconfig = pathOption(ctx, "kubeconfig");
    const context = stringOption(ctx, "context");
    const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
    const target = world.kubeTarget(kubeconfig ?? ctx.env.KUBECONFIG, context);
    if (target instanceof KubeApplyTarget) target.setRequestTimeout(requestTimeoutOf(ctx).milliseconds);
    const issues = flag(ctx, "issue")
      ? githubDriftIssues(
          makeOctokit(ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN ?? "", ctx.env.GITHUB_API_URL),
          repoFrom(ctx),
        )
      : undefined;
    const envs = loadEnvironments(loadManifestTree(join(ctx.cwd, "manifests")));
    const diffs = [];
    for (const environment of environments) {
      const current = currentDeployment(await ledger.list(environment));
      if (!current) {
        ctx.out.stderr(`${environment}: never deployed; nothing to compare\n`);
        continue;
      }
      const bundle = await store.get(current.payload.bundle);
      if (!bundle) {
        throw new EnvironmentError(
          `the bundle ${shortHash(current.payload.bundle)} of ${environment} (deployment #${current.id}) is not available; its artifact may have expired`,
        );
      }
      const label = `bundle ${shortHash(bundle.sha256)}`;
      const env = envs.get(environment);
      const diff = await diffEnvironment(
        environment,
        bundle.content.objects.map((object) => ({ object, source: { file: label } })),
        {
          type: "cluster",
          label: "cluster",
          target,
          scope: { environment, appNamespace: env.appNamespace, namespaces: env.namespaces },
        },
        new Redactor(newSalt()),
      );
      diffs.push(diff);
      if (issues) {
        const check: DriftCheck = {
          environment,
          bundle: bundle.sha256,
          deployment: current.id,
          ref: current.ref,
          diff,
        };
        const action = await syncDriftIssue(issues, check, new Date().toISOString());
        ctx.out.stderr(`${environment}: drift issue ${action}\n`);
      }
    }
    ctx.out.stdout(format === "markdown" ? renderMarkdownFull(diffs) : renderText(diffs, ctx.out.color));
    return isDirty(diffs) ? ExitCode.NotClean : ExitCode.Ok;
  },
};
