import type { Command } from "../command.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "Check every object against its Kubernetes schema and the policy rules",
  synopsis: "validate --env E",
  details: `
Renders the environment and checks each object with kubernetes-models (types, required fields)
and the Kubernetes API's field lists (unknown fields), then the policies: resources,
scrape-annotations, literal-credentials, recommended-labels, high-cardinality-label,
image-digest (an error where the environment requires digests, else a warning),
duplicate-object, and the dashboard-* checks of every Grafana query against the metric catalog.
Where the environment renders Prometheus or Alertmanager, the real promtool (check config,
check rules) and amtool (check-config) check their configurations as the containers would see
them, with Kubernetes pod discovery replaced by file discovery (Debian's promtool has no
Kubernetes discovery); a tool that is not installed is a warning naming its Debian package.
Findings read "file:line: severity rule-id message". Exit 1 when any finding is an error.`,
  options: {
    env: { type: "string", valueName: "E", description: "the environment (see manifests/environments.yaml)" },
  },
  load: () => import("./validate.ts").then((m) => m.validateImplementation),
};
