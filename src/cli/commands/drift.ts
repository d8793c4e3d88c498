import { shortHash } from "../../bundle/bundle.ts";
import { EnvironmentError } from "../../core/errors.ts";
import { flag, pathOption, requestTimeoutOf, stringOption } from "../../core/options.ts";
import { changedObjects, isDirty, renderMarkdownFull, renderText } from "../../diff/report.ts";
import { githubDriftIssues } from "../../github/issues.ts";
import { makeOctokit } from "../../github/octokit.ts";
import { type DriftCheck, syncDriftIssue } from "../../promote/drift.ts";
import { currentDeployment } from "../../promote/history.ts";
import { realWorld } from "../../wiring.ts";
import type { CommandImplementation } from "../command.ts";
import { clusterTargets, diffEveryCluster, fleetRequested } from "./fleet.ts";
import { githubParts, repoFrom, reportChoices } from "./release-options.ts";

export const driftImplementation: CommandImplementation = {
  async run(ctx) {
    const { environments, format } = reportChoices(ctx);
    const fleet = fleetRequested(ctx);
    const { ledger, store } = githubParts(ctx);
    const kubeconfig = pathOption(ctx, "kubeconfig") ?? ctx.env.KUBECONFIG;
    const context = stringOption(ctx, "context");
    const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
    const single = fleet ? undefined : [{ cluster: "", target: world.kubeTarget(kubeconfig, context) }];
    const issues = flag(ctx, "issue")
      ? githubDriftIssues(
          makeOctokit(ctx.env.GITHUB_TOKEN ?? ctx.env.GH_TOKEN ?? "", ctx.env.GITHUB_API_URL),
          repoFrom(ctx),
        )
      : undefined;
    const diffs = [];
    for (const env of environments) {
      const environment = env.name;
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
      const rendered = bundle.content.objects.map((object) => ({ object, source: { file: label } }));
      const targets = single ?? (await clusterTargets(env, world, kubeconfig));
      // Every cluster of the environment at once: one diff (and verdict) per cluster.
      const perCluster = await diffEveryCluster(env, rendered, targets, requestTimeoutOf(ctx).milliseconds);
      diffs.push(...perCluster);
      if (fleet) {
        for (const [i, d] of perCluster.entries())
          ctx.out.stderr(`${environment} ${targets[i]?.cluster}: ${isDirty([d]) ? "drift" : "no drift"}\n`);
      }
      if (issues) {
        const check: DriftCheck = {
          environment,
          bundle: bundle.sha256,
          deployment: current.id,
          ref: current.ref,
          diffs: perCluster,
        };
        const action = await syncDriftIssue(issues, check, new Date().toISOString());
        ctx.out.stderr(`${environment}: drift issue ${action}\n`);
      }
    }
    ctx.out.stdout(format === "markdown" ? renderMarkdownFull(diffs) : renderText(diffs, ctx.out.color));
    return { changes: changedObjects(diffs) };
  },
};
