import { Duration } from "../../core/duration.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { expectationsForEnvironment } from "../../smoke/adapters/environment.ts";
import type { Fetch } from "../../smoke/adapters/http.ts";
import { type Clock, systemClock } from "../../smoke/poller.ts";
import { formatReport } from "../../smoke/report.ts";
import { accessFrom, type PrometheusAccess, parseCount, parseHttpUrl, smoke } from "../../smoke/run.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { flag, pathOption, requiredString, stringOption } from "../options.ts";

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
      const { run, requests } = await smoke({
        expectations: expectationsForEnvironment(ctx.cwd, environment, {
          ...(interval ? { scrapeInterval: Duration.parse(interval, "--scrape-interval") } : {}),
          ...(gpusPerWorker !== undefined ? { gpusPerWorker } : {}),
          ...(flag(ctx, "dcgm") ? { dcgm: true } : {}),
        }),
        access: access(ctx),
        ...(grafana ? { grafanaUrl: parseHttpUrl(grafana, "--grafana") } : {}),
        timeout: Duration.parse(requiredString(ctx, "timeout", "D"), "--timeout"),
        env: ctx.env,
        fetch: deps.fetch,
        clock: deps.clock,
        progress: (line) => ctx.out.stderr(`${line}\n`),
      });
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

export const smokeImplementation = makeSmokeCommand({
  fetch: (url, init) => fetch(url, init),
  clock: systemClock,
});
