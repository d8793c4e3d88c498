import { stringOption } from "../../core/options.ts";
import { deploymentTimeline, environmentStatus, formatStatus } from "../../promote/status.ts";
import type { CommandImplementation } from "../command.ts";
import { githubParts, reportChoices } from "./release-options.ts";

export const statusImplementation: CommandImplementation = {
  async run(ctx) {
    const { environments, format } = reportChoices(ctx);
    const envs = environments.map((e) => e.name);
    const { ledger } = githubParts(ctx);
    const records = new Map(await Promise.all(envs.map(async (e) => [e, await ledger.list(e)] as const)));
    const rows = envs.map((e) => environmentStatus(e, records.get(e) ?? []));
    if (ctx.out.json) ctx.out.stdout(`${JSON.stringify(rows)}\n`);
    else if (format === "markdown") {
      const title = stringOption(ctx, "title") ?? "Deployments";
      ctx.out.stdout(`\`\`\`text\n${formatStatus(rows)}\`\`\`\n\n${deploymentTimeline(title, records)}`);
    } else ctx.out.stdout(formatStatus(rows));
    return {};
  },
};
