import type { SmokeEnvironmentOutcome, SmokePorts } from "../../app/smoke.ts";
import { requiredString } from "../../core/options.ts";
import type { ClusterSmoke } from "../../smoke/fleet.ts";
import { formatFleetReport, ranChecks } from "../../smoke/fleet.ts";
import { formatReport } from "../../smoke/report.ts";
import { runSmoke } from "../../wiring/smoke-settings.ts";
import { smokeWorld } from "../../wiring/world.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";

/** One cluster's verdict and how the run went, as `--json` prints it. */
function runJson({ outcome: { run, requests } }: ClusterSmoke) {
  const { verdict, attempts, elapsedMs, timedOut } = run;
  return { ...verdict, attempts, elapsedMs, timedOut, requests };
}

function print(ctx: CommandContext, fleet: boolean, result: SmokeEnvironmentOutcome): void {
  const { environment, passed, clusters, answers } = result;
  const [only] = clusters;
  if (ctx.out.json) {
    const json =
      fleet || !only
        ? {
            environment,
            passed,
            clusters: answers.map((a) =>
              ranChecks(a)
                ? { cluster: a.cluster, ...runJson(a) }
                : { cluster: a.cluster, unreachable: a.error.message },
            ),
          }
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
      const { everyCluster, result } = await runSmoke(ctx, environment, {
        ...deps,
        progress: (line) => ctx.out.stderr(`${line}\n`),
      });
      print(ctx, everyCluster, result);
      return result;
    },
  };
}

export const smokeImplementation = makeSmokeCommand(smokeWorld());
