import { type DriftOutcome, drift, drifted } from "../../app/drift.ts";
import { flag, pathOption, requestTimeoutOf, stringOption } from "../../core/options.ts";
import { renderMarkdownFull, renderText, totals } from "../../diff/report.ts";
import { githubParts } from "../../wiring/release.ts";
import { clusterTargets, limitRequests, realWorld } from "../../wiring/world.ts";
import type { CommandImplementation } from "../command.ts";
import { fleetRequested } from "./fleet.ts";
import { reportChoices } from "./release-options.ts";

/** Machine output: per environment, each cluster by name with its verdict and what drifted. */
function driftJson(outcome: DriftOutcome): string {
  const environments = outcome.environments.map((e) =>
    e.neverDeployed
      ? { environment: e.environment, neverDeployed: true }
      : {
          environment: e.environment,
          bundle: e.bundle,
          deployment: e.deployment,
          drift: e.clusters.some(drifted),
          clusters: e.clusters.map((c) => ({
            cluster: c.cluster,
            drift: drifted(c),
            summary: totals(c.diff),
            objects: c.diff.objects
              .filter((o) => o.change !== "unchanged")
              .map((o) => ({ ...o.ref, change: o.change, paths: o.paths })),
          })),
          ...(e.issue ? { issue: e.issue } : {}),
        },
  );
  return `${JSON.stringify({ environments }, null, 2)}\n`;
}

export const driftImplementation: CommandImplementation = {
  async run(ctx) {
    const { environments, format } = reportChoices(ctx);
    const fleet = fleetRequested(ctx);
    const { ledger, store, issues } = githubParts(ctx);
    const kubeconfig = pathOption(ctx, "kubeconfig") ?? ctx.env.KUBECONFIG;
    const context = stringOption(ctx, "context");
    const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
    const syncIssues = flag(ctx, "issue");
    const outcome = await drift(
      { environments, syncIssues },
      {
        ledger,
        store,
        async clusters(env) {
          const targets = fleet
            ? await clusterTargets(env, world, kubeconfig)
            : [{ cluster: "", target: world.kubeTarget(kubeconfig, context) }];
          limitRequests(targets, requestTimeoutOf(ctx).milliseconds);
          return targets;
        },
        ...(syncIssues ? { issues } : {}),
        now: () => new Date(world.apply.now()).toISOString(),
      },
    );
    for (const e of outcome.environments) {
      if (e.neverDeployed) {
        ctx.out.stderr(`${e.environment}: never deployed; nothing to compare\n`);
        continue;
      }
      if (fleet) {
        for (const c of e.clusters)
          ctx.out.stderr(`${e.environment} ${c.cluster}: ${drifted(c) ? "drift" : "no drift"}\n`);
      }
      if (e.issue) ctx.out.stderr(`${e.environment}: drift issue ${e.issue}\n`);
    }
    if (ctx.out.json) ctx.out.stdout(driftJson(outcome));
    else
      ctx.out.stdout(
        format === "markdown" ? renderMarkdownFull(outcome.diffs) : renderText(outcome.diffs, ctx.out.color),
      );
    return outcome;
  },
};
