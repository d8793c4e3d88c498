import { ExitCode } from "../../core/exit-code.ts";
import { dashboardsDir } from "../../dashboards/build.ts";
import { generatedDashboardFiles, writeDashboards } from "../../dashboards/files.ts";
import type { Command } from "../command.ts";

export const dashboardsBuild: Command = {
  name: "dashboards build",
  summary: `Generate the Grafana dashboards in ${dashboardsDir}/ from src/dashboards/`,
  synopsis: "dashboards build",
  details:
    "Builds the dashboards from their TypeScript definitions on the metric catalog, with the alert\n" +
    "rules' thresholds and SLOs (alerts/) and the environments' values, and writes the JSON files\n" +
    `that changed into ${dashboardsDir}/; commit them. Grafana's provisioning ConfigMap embeds\n` +
    "every file there. A test fails while a committed dashboard differs from what this writes.",
  options: {},
  async run(ctx) {
    const files = await generatedDashboardFiles(ctx.cwd);
    const written = writeDashboards(ctx.cwd, files);
    if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify({ files: files.map((f) => f.path), written }, null, 2)}\n`);
    } else {
      for (const path of written) ctx.out.stdout(`wrote ${path}\n`);
      ctx.out.stdout(`${files.length} dashboards, ${written.length} changed\n`);
    }
    return ExitCode.Ok;
  },
};
