import type { Command } from "../command.ts";
import { githubOptions, reportOptions } from "./release-options.meta.ts";

export const statusCommand: Command = {
  name: "status",
  summary: "Show what each environment runs: bundle, commit, tag, who, when and the smoke verdict",
  synopsis: "status [--env E]... [--format text|markdown] [--title TEXT]",
  details: `
Reads the repository's GitHub Deployments (GITHUB_TOKEN; the repository is GITHUB_REPOSITORY
or, in a clone, the origin remote). For each environment: the bundle running now (the newest deployment that succeeded), and the newest
attempt when it did not succeed. --format markdown adds a Mermaid timeline of the deployments,
as the release job writes it into its summary.`,
  options: {
    ...reportOptions,
    title: { type: "string", valueName: "TEXT", description: "the timeline's title (markdown)" },
    ...githubOptions,
  },
  load: () => import("./status.ts").then((m) => m.statusImplementation),
};
