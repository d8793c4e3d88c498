import { ExitCode } from "../../core/exit-code.ts";
import { deploymentTimeline, environmentStatus, formatStatus } from "../../promote/status.ts";
import type { Command } from "../command.ts";
import { parseTarget, stringOption } from "../options.ts";
import { githubOptions, githubParts } from "./release-options.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "Show what each environment runs: bundle, commit, tag, who, when and the smoke verdict",
  synopsis: "status [--env E] [--format text|markdown]",
  details: `
Reads the repository's GitHub Deployments (GITHUB_TOKEN, GITHUB_REPOSITORY). For each
environment: the bundle running now (the newest deployment that succeeded), and the newest
attempt when it did not succeed. --format markdown adds a Mermaid timeline of the deployments,
as the release job writes it into its summary.`,
  options: {
    env: { type: "string", valueName: "E", description: "one environment (default staging and production)" },
    format: { type: "string", valueName: "text|markdown", description: "output format (default text)" },
    title: { type: "string", valueName: "TEXT", description: "the timeline's title (markdown)" },
    ...githubOptions,
  },
  async run(ctx) {
    const format = parseTarget(stringOption(ctx, "format") ?? "text", "format", [
      "text",
      "markdown",
    ] as const).scheme;
    const envs = [stringOption(ctx, "env") ?? ["staging", "production"]].flat();
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
