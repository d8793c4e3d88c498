import { dashboardsDir } from "../../dashboards/location.ts";
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
  load: () => import("./dashboards.ts").then((m) => m.dashboardsBuildImplementation),
};
