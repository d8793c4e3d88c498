import { clusterStatus, deploymentStatus } from "../../app/status.ts";
import { pathOption, stringOption } from "../../core/options.ts";
import {
  deploymentTimeline,
  fleetStatusMarkdown,
  formatFleetStatus,
  formatStatus,
} from "../../promote/status.ts";
import { clusterTargets, realWorld } from "../../wiring.ts";
import type { CommandImplementation } from "../command.ts";
import { fleetRequested } from "./fleet.ts";
import { githubParts, reportChoices } from "./release-options.ts";

export const statusImplementation: CommandImplementation = {
  async run(ctx) {
    const { environments, format } = reportChoices(ctx);
    if (fleetRequested(ctx)) {
      const kubeconfig = pathOption(ctx, "kubeconfig") ?? ctx.env.KUBECONFIG;
      const world = realWorld(ctx.cwd, ctx.env, (line) => ctx.out.stderr(`${line}\n`));
      const outcome = await clusterStatus(
        { environments },
        { clusters: (env) => clusterTargets(env, world, kubeconfig) },
      );
      if (ctx.out.json) ctx.out.stdout(`${JSON.stringify(outcome.fleets)}\n`);
      else ctx.out.stdout((format === "markdown" ? fleetStatusMarkdown : formatFleetStatus)(outcome.fleets));
      return outcome;
    }
    const outcome = await deploymentStatus({ environments }, { ledger: githubParts(ctx).ledger });
    if (ctx.out.json) ctx.out.stdout(`${JSON.stringify(outcome.rows)}\n`);
    else if (format === "markdown") {
      const title = stringOption(ctx, "title") ?? "Deployments";
      ctx.out.stdout(
        `\`\`\`text\n${formatStatus(outcome.rows)}\`\`\`\n\n${deploymentTimeline(title, outcome.records)}`,
      );
    } else ctx.out.stdout(formatStatus(outcome.rows));
    return outcome;
  },
};
