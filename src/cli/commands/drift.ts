import { clusterVerdict, type DriftOutcome, drift } from "../../app/drift.ts";
import { flag, pathOption, requestTimeoutOf, stringOption } from "../../core/options.ts";
import { isUnread, renderMarkdownFull, renderText, totals } from "../../diff/report.ts";
import { newRedactor } from "../../wiring/read.ts";
import { githubParts } from "../../wiring/release.ts";
import { clusterTargets, limitRequests, realWorld } from "../../wiring/world.ts";
import type { CommandImplementation } from "../command.ts";
import { fleetRequested } from "./fleet.ts";
import { reportChoices } from "./release-options.ts";

/**
 * Machine output: per environment, each cluster by name with its verdict and what drifted, or
 * why it could not be read.
 */
function driftJson(outcome: DriftOutcome): string {
  const environments = outcome.environments.map((e) =>
    e.neverDeployed
      ? { environment: e.environment, neverDeployed: true }
      : {
          environment: e.environment,
          bundle: e.bundle,
          deployment: e.deployment,
          drift: e.clusters.some((c) => clusterVerdict(c) === "drift"),
          clusters: e.clusters.map(({ cluster, answer }) =>
            isUnread(answer)
              ? { cluster, unreachable: answer.unreachable }
              : {
                  cluster,
                  drift: clusterVerdict({ cluster, answer }) === "drift",
                  summary: totals(answer),
                  objects: answer.objects
                    .filter((o) => o.change !== "unchanged")
                    .map((o) => ({ ...o.ref, change: o.change, paths: o.paths })),
                },
          ),
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
      { environments, syncIssues, fleet },
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
        redactor: newRedactor(),
        now: () => new Date(world.apply.now()).toISOString(),
      },
    );
    for (const e of outcome.environments) {
      if (e.neverDeployed) {
        ctx.out.stderr(`${e.environment}: never deployed; nothing to compare\n`);
        continue;
      }
      if (fleet) {
        for (const c of e.clusters) ctx.out.stderr(`${e.environment} ${c.cluster}: ${clusterVerdict(c)}\n`);
      }
      if (e.issue) ctx.out.stderr(`${e.environment}: drift issue ${e.issue}\n`);
    }
    if (ctx.out.json) ctx.out.stdout(driftJson(outcome));
    else
      ctx.out.stdout(
        format === "markdown"
          ? renderMarkdownFull(outcome.answers)
          : renderText(outcome.answers, ctx.out.color),
      );
    return outcome;
  },
};
