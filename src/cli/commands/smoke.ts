import {
  fleetAccesses,
  type SmokeEnvironmentOutcome,
  type SmokePorts,
  smokeEnvironment,
} from "../../app/smoke.ts";
import { Duration } from "../../core/duration.ts";
import { flag, pathOption, requiredString, stringOption, timeoutOption } from "../../core/options.ts";
import { expectationsForEnvironment } from "../../smoke/adapters/environment.ts";
import type { ClusterSmoke } from "../../smoke/fleet.ts";
import { formatFleetReport } from "../../smoke/fleet.ts";
import { formatReport } from "../../smoke/report.ts";
import { accessFrom, type PrometheusAccess, parseCount, parseHttpUrl } from "../../smoke/run.ts";
import { clusterAccesses, smokeWorld } from "../../wiring/world.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { environmentOf, fleetRequested } from "./fleet.ts";

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

/** One cluster's verdict and how the run went, as `--json` prints it. */
function runJson({ outcome: { run, requests } }: ClusterSmoke) {
  const { verdict, attempts, elapsedMs, timedOut } = run;
  return { ...verdict, attempts, elapsedMs, timedOut, requests };
}

function print(ctx: CommandContext, fleet: boolean, result: SmokeEnvironmentOutcome): void {
  const { environment, passed, clusters } = result;
  const [only] = clusters;
  if (ctx.out.json) {
    const json =
      fleet || !only
        ? { environment, passed, clusters: clusters.map((c) => ({ cluster: c.cluster, ...runJson(c) })) }
        : runJson(only);
    ctx.out.stdout(`${JSON.stringify(json, null, 2)}\n`);
  } else
    ctx.out.stdout(fleet || !only ? formatFleetReport(environment, result) : formatReport(only.outcome.run));
}

/** `flyby smoke`; fetch, clock and the sources are injected so tests can drive it. */
export function makeSmokeCommand(deps: Omit<SmokePorts, "progress">): CommandImplementation {
  return {
    async run(ctx) {
      const environment = requiredString(ctx, "env", "E");
      const grafana = stringOption(ctx, "grafana");
      const interval = stringOption(ctx, "scrape-interval");
      const gpusPerWorker = gpus(ctx);
      const fleet = fleetRequested(ctx);
      const check = {
        expectations: expectationsForEnvironment(ctx.cwd, environment, {
          ...(interval ? { scrapeInterval: Duration.parse(interval, "--scrape-interval") } : {}),
          ...(gpusPerWorker !== undefined ? { gpusPerWorker } : {}),
          ...(flag(ctx, "dcgm") ? { dcgm: true } : {}),
        }),
        ...(grafana ? { grafanaUrl: parseHttpUrl(grafana, "--grafana") } : {}),
        timeout: timeoutOption(ctx, "timeout"),
        env: ctx.env,
      };
      const reach = access(ctx);
      const clusters = fleet
        ? fleetAccesses(reach, (kubeconfig) => clusterAccesses(environmentOf(ctx, environment), kubeconfig))
        : [{ cluster: "", access: reach }];
      const result = await smokeEnvironment(
        { environment, check, clusters },
        { ...deps, progress: (line) => ctx.out.stderr(`${line}\n`) },
      );
      print(ctx, fleet, result);
      return result;
    },
  };
}

export const smokeImplementation = makeSmokeCommand(smokeWorld());
