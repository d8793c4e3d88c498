import { Duration } from "../../core/duration.ts";
import { UsageError } from "../../core/errors.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { expectationsForEnvironment } from "../../smoke/adapters/environment.ts";
import type { Fetch } from "../../smoke/adapters/http.ts";
import { formatFleetReport, smokeFleet } from "../../smoke/fleet.ts";
import { type Clock, systemClock } from "../../smoke/poller.ts";
import { formatReport } from "../../smoke/report.ts";
import { accessFrom, type PrometheusAccess, parseCount, parseHttpUrl, smoke } from "../../smoke/run.ts";
import type { Command, CommandContext } from "../command.ts";
import { flag, kubeOptions, pathOption, requiredString, stringOption } from "../options.ts";
import { clusterAccesses, environmentOf, fleetOption, fleetRequested } from "./fleet.ts";

function access(ctx: CommandContext): PrometheusAccess {
  const prometheusUrl = stringOption(ctx, "prometheus");
  const kubeconfig = pathOption(ctx, "kubeconfig");
  const context = stringOption(ctx, "context");
  return accessFrom({
    ...(prometheusUrl !== undefined ? { prometheusUrl } : {}),
    viaCluster: flag(ctx, "via-cluster"),
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    env: ctx.env,
  });
}

function gpus(ctx: CommandContext): number | undefined {
  const text = stringOption(ctx, "gpus");
  return text === undefined ? undefined : parseCount(text, "--gpus");
}

/** `flyby smoke`; fetch and clock are injected so tests can drive it. */
export function makeSmokeCommand(deps: { fetch: Fetch; clock: Clock }): Command {
  return {
    name: "smoke",
    summary:
      "Check a deployed environment: targets up, expected metrics present, GPU metrics sane, Grafana healthy",
    synopsis: "smoke --env E (--prometheus URL | --via-cluster [--gke env]) [--grafana URL] [--timeout D]",
    details: `Polls until every check passes or the timeout runs out, with progress on stderr, then prints
one row per check and each failure with the guide's troubleshooting hint.
--via-cluster reaches Prometheus and the pods through the Kubernetes API proxy (no port-forward).
With --gke env, every cluster of the environment is checked at once through its own API server
(kube contexts from the kubeconfig, GKE clusters through the GKE API): a verdict per cluster, and
the environment passes only when every cluster does.
Grafana credentials come from GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD.
Exit codes: 0 all checks pass · 1 checks failed · 2 bad input · 3 Prometheus or the cluster unreachable.
Example: flyby smoke --env staging --prometheus http://127.0.0.1:9090 --timeout 3m`,
    options: {
      env: {
        type: "string",
        valueName: "E",
        description: "the environment (see manifests/environments.yaml)",
      },
      prometheus: { type: "string", valueName: "URL", description: "Prometheus base URL" },
      "via-cluster": { type: "boolean", description: "go through the Kubernetes API service and pod proxy" },
      grafana: {
        type: "string",
        valueName: "URL",
        description: "Grafana base URL (its checks run only with it)",
      },
      timeout: { type: "string", valueName: "D", description: "give up after this long (default 3m)" },
      "scrape-interval": {
        type: "string",
        valueName: "D",
        description: "Prometheus scrape interval (default: the environment's values)",
      },
      gpus: {
        type: "string",
        valueName: "N",
        description: "GPUs per worker pod (default: the environment's values)",
      },
      dcgm: {
        type: "boolean",
        description: "dcgm-exporter exposes the worker GPUs: check DCGM_FI_DEV_* too (default: the values)",
      },
      ...kubeOptions,
      ...fleetOption,
    },
    async run(ctx) {
      const environment = requiredString(ctx, "env", "E");
      const grafana = stringOption(ctx, "grafana");
      const interval = stringOption(ctx, "scrape-interval");
      const gpusPerWorker = gpus(ctx);
      const fleet = fleetRequested(ctx);
      const request = {
        expectations: expectationsForEnvironment(ctx.cwd, environment, {
          ...(interval ? { scrapeInterval: Duration.parse(interval, "--scrape-interval") } : {}),
          ...(gpusPerWorker !== undefined ? { gpusPerWorker } : {}),
          ...(flag(ctx, "dcgm") ? { dcgm: true } : {}),
        }),
        ...(grafana ? { grafanaUrl: parseHttpUrl(grafana, "--grafana") } : {}),
        timeout: Duration.parse(stringOption(ctx, "timeout") ?? "3m", "--timeout"),
        env: ctx.env,
        fetch: deps.fetch,
        clock: deps.clock,
        progress: (line: string) => ctx.out.stderr(`${line}\n`),
      };
      const reach = access(ctx);
      if (fleet) {
        if (reach.kind !== "cluster") {
          throw new UsageError(
            "--gke env reaches each cluster's Prometheus through that cluster's API server: give --via-cluster, not --prometheus",
          );
        }
        const result = await smokeFleet(
          request,
          clusterAccesses(environmentOf(ctx, environment), reach.kubeconfig),
        );
        if (ctx.out.json) {
          const clusters = result.clusters.map(({ cluster, outcome: { run, requests } }) => {
            const { verdict, attempts, elapsedMs, timedOut } = run;
            return { cluster, ...verdict, attempts, elapsedMs, timedOut, requests };
          });
          ctx.out.stdout(`${JSON.stringify({ environment, passed: result.passed, clusters }, null, 2)}\n`);
        } else ctx.out.stdout(formatFleetReport(environment, result));
        return result.passed ? ExitCode.Ok : ExitCode.NotClean;
      }
      const { run, requests } = await smoke({ ...request, access: reach });
      if (ctx.out.json) {
        const { verdict, attempts, elapsedMs, timedOut } = run;
        ctx.out.stdout(
          `${JSON.stringify({ ...verdict, attempts, elapsedMs, timedOut, requests }, null, 2)}\n`,
        );
      } else ctx.out.stdout(formatReport(run));
      return run.verdict.passed ? ExitCode.Ok : ExitCode.NotClean;
    },
  };
}

export const smokeCommand = makeSmokeCommand({ fetch: (url, init) => fetch(url, init), clock: systemClock });
