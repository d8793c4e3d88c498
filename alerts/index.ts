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
  deployment: {
    namespace: "observability",
    // Production runs images pinned by digest only; a release writes the verified one.
    image:
      "quay.io/prometheus/alertmanager@sha256:5e8a3f0b9c1d2e4f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0d1",
    secretName: "alertmanager-secrets",
  },
});
