import { outputMarker } from "../../wiring/repository.ts";
import type { Command } from "../command.ts";

/** alerts/stack-manifest.ts writes it; named here so help loads no alerting code. */
export const generatedManifest = "manifests/templates/observability/alerting.generated.yaml";

export const alertsBuild: Command = {
  name: "alerts build",
  summary: "Generate Prometheus rules, promtool tests, alertmanager.yml and manifests from alerts/",
  synopsis: "alerts build [--out DIR]",
  details:
    "Reads alerts/index.ts with the stack's facts from every environment's values (receiver URL,\n" +
    "GPU memory, retention size), lints the rules and the routing, and writes the output atomically.\n" +
    `It also writes the alerting objects (rules ConfigMap, Alertmanager) to ${generatedManifest},\n` +
    "so they render, diff and deploy with the rest of the stack; commit that file.\n" +
    "Exit 1 when lint reports errors (nothing is written), 2 when raw PromQL does not parse.\n" +
    `DIR must be new, empty, or a folder flyby wrote before (it holds a ${outputMarker} file);\n` +
    "flyby refuses anything else, and never writes to the repository or into manifests/ or alerts/.",
  options: {
    out: { type: "string", valueName: "DIR", description: "output directory", default: ".flyby/alerts" },
  },
  load: () => import("./alerts.ts").then((m) => m.alertsBuildImplementation),
};

export const alertsCheck: Command = {
  name: "alerts check",
  summary: "Lint the alerts, then run promtool check rules and amtool check-config on the output",
  synopsis: "alerts check",
  options: {},
  load: () => import("./alerts.ts").then((m) => m.alertsCheckImplementation),
};

export const alertsTest: Command = {
  name: "alerts test",
  summary: "Run the rules' unit tests with promtool and the routing cases with amtool",
  synopsis: "alerts test",
  options: {},
  load: () => import("./alerts.ts").then((m) => m.alertsTestImplementation),
};
