import { failedCheckIds, formatFleetReport, ranChecks } from "../smoke/fleet.ts";
import { formatReport, formatSummaryMarkdown } from "../smoke/report.ts";
import { runSmoke } from "../wiring/smoke-settings.ts";
import { smokeWorld } from "../wiring/world.ts";
import { annotateFindings } from "./annotations.ts";
import type { ActionStep, StepResult } from "./run.ts";
import { smokeSource } from "./smoke-inputs.ts";

/** The smoke action: an environment's smoke checks, on each of its clusters with `gke: env`, with annotations, outputs and the job summary. */
export async function smokeStep({ core, input }: ActionStep): Promise<StepResult> {
  const environment = input("environment");
  const { everyCluster, result } = await runSmoke(
    smokeSource(input, process.cwd(), process.env),
    environment,
    {
      ...smokeWorld(),
      progress: core.info,
    },
  );
  const runs = result.clusters.map((c) => c.outcome.run);
  const [only] = runs;
  const requests = result.clusters.reduce((n, c) => n + c.outcome.requests, 0);
  core.info(
    `${everyCluster || !only ? formatFleetReport(environment, result) : formatReport(only)}(${requests} HTTP requests)`,
  );
  for (const run of runs) annotateFindings(core, run.verdict.findings);
  await core.summary
    .addRaw(
      formatSummaryMarkdown(
        result.answers.map((a) => (ranChecks(a) ? { cluster: a.cluster, run: a.outcome.run } : a)),
      ),
    )
    .write();
  core.setOutput("passed", String(result.passed));
  core.setOutput("failed-checks", failedCheckIds(result).join(","));
  const unreached = result.unreachable.map((u) => u.cluster);
  return {
    outcome: result,
    failure: () =>
      unreached.length
        ? `smoke checks could not reach ${unreached.join(", ")} for ${environment}`
        : `smoke checks failed for ${environment}`,
  };
}
