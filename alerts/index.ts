/** The alerts of the Overflying stack: `flyby alerts build` reads this module's default export. */
import { defineAlerts } from "../src/alerts/dsl.ts";
import { api } from "./api.ts";
import { platform } from "./platform.ts";
import { inhibitions, root } from "./routes.ts";
import { workerRules } from "./worker.ts";

export default defineAlerts({
  runbookBase: "https://github.com/overflying/runbooks/blob/main",
  scrapeInterval: "15s",
  evaluationInterval: "15s",
  // Unit tests step through time once a minute: four times fewer evaluations, same verdicts.
  testEvaluationInterval: "1m",
  ruleFiles: [api, workerRules, platform],
  alertmanager: { route: root, inhibitions, namespaces: ["production", "staging", "observability"] },
  deployment: { namespace: "observability" },
});
