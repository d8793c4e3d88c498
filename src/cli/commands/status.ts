import { ExitCode } from "../../core/exit-code.ts";
import { deploymentTimeline, environmentStatus, formatStatus } from "../../promote/status.ts";
import type { Command } from "../command.ts";
import { stringOption } from "../options.ts";
import { githubOptions, githubParts, reportChoices, reportOptions } from "./release-options.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "Show what each environment runs: bundle, commit, tag, who, when and the smoke verdict",
  synopsis: "status [--env E]... [--format text|markdown] [--title TEXT]",
  details: `
Reads the repository's GitHub Deployments (GITHUB_TOKEN; the repository is GITHUB_REPOSITORY
or, in a clone, the origin remote). For each
environment: the bundle running now (the newest deployment that succeeded), and the newest
attempt when it did not succeed. --format markdown adds a Mermaid timeline of the deployments,
as the release job writes it into its summary.`,
  options: {
    ...reportOptions,
    title: { type: "string", valueName: "TEXT", description: "the timeline's title (markdown)" },
    ...githubOptions,
  },
  async run(ctx) {
    const { environments: envs, format } = reportChoices(ctx);
    const { ledger } = githubParts(ctx);
    const records = new Map(await Promise.all(envs.map(async (e) => [e, await ledger.list(e)] as const)));
    const rows = envs.map((e) => environmentStatus(e, records.get(e) ?? []));
    if (ctx.out.json) ctx.out.stdout(`${JSON.stringify(rows)}\n`);
    else if (format === "markdown") {
      const title = stringOption(ctx, "title") ?? "Deployments";
      ctx.out.stdout(`\`\`\`text\n${formatStatus(rows)}\`\`\`\n\n${deploymentTimeline(title, records)}`);
    } else ctx.out.stdout(formatStatus(rows));
    return ExitCode.Ok;
  },
};
