import { Duration } from "../../core/duration.ts";
import { UsageError } from "../../core/errors.ts";
import { flag, pathOption, requiredString, stringOption, timeoutOption } from "../../core/options.ts";
import { expectationsForEnvironment } from "../../smoke/adapters/environment.ts";
import type { Fetch } from "../../smoke/adapters/http.ts";
import { formatFleetReport, smokeFleet } from "../../smoke/fleet.ts";
import { type Clock, systemClock } from "../../smoke/poller.ts";
import { formatReport } from "../../smoke/report.ts";
import { accessFrom, type PrometheusAccess, parseCount, parseHttpUrl, smoke } from "../../smoke/run.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { clusterAccesses, environmentOf, fleetRequested } from "./fleet.ts";

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
export function makeSmokeCommand(deps: { fetch: Fetch; clock: Clock }): CommandImplementation {
  return {
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
        timeout: timeoutOption(ctx, "timeout"),
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
        return { checks: [{ passed: result.passed }] };
      }
      const { run, requests } = await smoke({ ...request, access: reach });
      if (ctx.out.json) {
        const { verdict, attempts, elapsedMs, timedOut } = run;
        ctx.out.stdout(
          `${JSON.stringify({ ...verdict, attempts, elapsedMs, timedOut, requests }, null, 2)}\n`,
        );
      } else ctx.out.stdout(formatReport(run));
      return { checks: [{ passed: run.verdict.passed }] };
    },
  };
}

export const smokeImplementation = makeSmokeCommand({
  fetch: (url, init) => fetch(url, init),
  clock: systemClock,
});
