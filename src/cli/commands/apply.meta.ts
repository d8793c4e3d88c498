import { deployOptionSpecs } from "../../app/deploy-options.ts";
import { outputMarker } from "../../wiring/repository.ts";
import type { Command } from "../command.ts";

export const applyCommand: Command = {
  name: "apply",
  summary: "Server-side apply an environment in stages, prune by inventory, wait for rollouts",
  synopsis:
    "apply --env E --target dir:PATH|cluster [--kubeconfig P] [--context C] [--gke projects/P/locations/L/clusters/C] [--prune] [--wait] [--timeout D] [--request-timeout D] [--dry-run] [--concurrency N] [--force-conflicts] [--allow-destructive REF]...",
  details: `
Applies the rendered environment with server-side apply (field manager flyby), stage by stage:
CRDs (waited until Established), Namespaces, RBAC, ServiceAccounts/ConfigMaps/Secrets/PVCs,
Services, workloads; up to --concurrency requests in flight within a stage.
Objects whose live state already matches are not written: a second apply of the same render
makes no writes. Every object carries the ApplySet label applyset.kubernetes.io/part-of, and
the ConfigMap flyby-applyset-<env> in the app namespace records the inventory.
  dir:PATH   hydrated manifests as files (the render --out layout), replaced atomically; PATH
             must be new, empty, or a folder flyby wrote before (it holds ${outputMarker})
  cluster    a kubeconfig context, or GKE: --gke projects/P/locations/L/clusters/C (repeatable;
             --gke env means every cluster of the environment, applied in parallel: its GKE
             clusters, and its kube contexts from --kubeconfig or $KUBECONFIG). GKE
             endpoints come from the GKE API with Application Default Credentials.
--prune deletes inventory objects no longer rendered. It refuses an empty render, deleting
more than 25% of the inventory, and deleting a Namespace, PVC or CRD, unless each object is
named: --allow-destructive KIND/NS/NAME (KIND/NAME when cluster-scoped).
--wait follows Deployments, StatefulSets, DaemonSets and PVCs until each is ready or has
failed (a Deployment past its progress deadline), or until --timeout. One failed rollout
does not stop the wait for the others; a status the controller has not observed yet (an old
ProgressDeadlineExceeded right after a new image) does not count. A line per workload shows
its progress on stderr (redrawn in a terminal, appended every few seconds in a log); a rollout
that fails or times out is explained from its newest Pods and their Events.
--request-timeout D bounds every request to the cluster (named as kubectl names it): a server
that does not answer in time fails the run with exit 3, naming its URL. A watch that sends
nothing for 60s is dropped and opened again.
Secret grafana-admin is built from GRAFANA_ADMIN_USER and GRAFANA_ADMIN_PASSWORD, and
alertmanager-secrets from FLYBY_RECEIVER_TOKEN (16+ characters, no well-known default), when a
rendered workload reads them; values never print.
429, 5xx and broken connections are retried with backoff; after a hard failure the report
lists what was applied, what failed and what was not attempted.
Exit codes: 0 applied, 1 a conflict or failed rollout, 2 bad input or a refused prune,
3 the cluster failed (unreachable, forbidden, timeout).`,
  options: deployOptionSpecs,
  load: () => import("./apply.ts").then((m) => m.applyImplementation),
};
