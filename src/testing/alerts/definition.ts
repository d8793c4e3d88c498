import { type AlertsDefinition, defineAlerts } from "../../alerts/definition.ts";
import { receiver, rootRoute } from "../../alerts/routes.ts";
import { group, type Rule } from "../../alerts/rules.ts";

export const testReceiver = receiver("flyby", {
  webhooks: [
    { url: "http://127.0.0.1:9/alertmanager", credentialsFile: "/etc/alertmanager/secrets/receiver-token" },
  ],
});

/** A one-file definition around some rules, routed to one webhook unless `route` says otherwise. */
export function definitionWith(
  rules: readonly Rule[],
  route: AlertsDefinition["alertmanager"]["route"] = rootRoute({ receiver: testReceiver }),
): AlertsDefinition {
  return defineAlerts({
    runbookBase: "https://runbooks.example/",
    scrapeInterval: "15s",
    evaluationInterval: "15s",
    ruleFiles: [{ name: "test", groups: [group("test", rules)] }],
    alertmanager: { route, inhibitions: [], namespaces: ["production"] },
    deployment: { namespace: "observability" },
  });
}
