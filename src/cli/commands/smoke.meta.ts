import { smokeOptionSpecs, smokeTimeoutSpec } from "../../app/smoke-options.ts";
import { kubeOptions } from "../../core/options.ts";
import type { Command } from "../command.ts";
import { fleetOption } from "./fleet.meta.ts";

export const smokeCommand: Command = {
  name: "smoke",
  summary:
    "Check a deployed environment: targets up, expected metrics present, GPU metrics sane, Grafana healthy",
  synopsis: "smoke --env E (--prometheus URL | --via-cluster [--gke env]) [--grafana URL] [--timeout D]",
  details: `Polls until every check passes or the timeout runs out, with progress on stderr, then prints
one row per check and each failure with the guide's troubleshooting hint.
--via-cluster reaches Prometheus and the pods through the Kubernetes API proxy (no port-forward).
With --gke env, every cluster of the environment is checked at once through its own API server
(kube contexts from the kubeconfig, GKE clusters through the GKE API): a verdict per cluster, and
the environment passes only when every cluster does. --prometheus is refused with --gke env: one
URL is one Prometheus, and its verdict cannot stand for every cluster.
Grafana credentials come from GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD.
Exit codes: 0 all checks pass · 1 checks failed · 2 bad input · 3 Prometheus or the cluster unreachable.
Example: flyby smoke --env E --prometheus http://127.0.0.1:9090 --timeout 90s`,
  options: {
    env: {
      type: "string",
      valueName: "E",
      description: "the environment (see manifests/environments.yaml)",
    },
    ...smokeOptionSpecs,
    timeout: smokeTimeoutSpec,
    ...kubeOptions,
    ...fleetOption,
  },
  load: () => import("./smoke.ts").then((m) => m.smokeImplementation),
};
