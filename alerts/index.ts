/**
 * The alerts of the Overflying stack: `flyby alerts build` reads this module's default export,
 * a function of the stack's facts (every environment's values, through the catalog), so
 * thresholds and receivers follow manifests/values/.
 */
import { defineAlerts, type StackFacts } from "../src/alerts/dsl.ts";
import { api } from "./api.ts";
import { platformRules } from "./platform.ts";
import { inhibitions, rootOf } from "./routes.ts";
import { workerRules } from "./worker.ts";

export default (stack: StackFacts) =>
  defineAlerts({
    runbookBase: "https://github.com/overflying/runbooks/blob/main",
    scrapeInterval: stack.observability.scrapeInterval,
    evaluationInterval: stack.observability.scrapeInterval,
    // Unit tests step through time once a minute: four times fewer evaluations, same verdicts.
    testEvaluationInterval: "1m",
    ruleFiles: [api, workerRules(stack), platformRules(stack)],
    alertmanager: {
      route: rootOf(stack),
      inhibitions,
      environments: stack.environments.map((e) => e.name),
    },
    deployment: { namespace: stack.observability.namespace },
  });
