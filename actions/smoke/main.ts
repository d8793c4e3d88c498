import { runAction } from "../../src/action/run.ts";
import { requestFromInputs } from "../../src/action/smoke-inputs.ts";
import { clustersToSmoke, smokeEnvironment } from "../../src/app/smoke.ts";
import { annotateFindings } from "../../src/github/annotations.ts";
import { failedCheckIds, formatFleetReport } from "../../src/smoke/fleet.ts";
import { formatReport, formatSummaryMarkdown } from "../../src/smoke/report.ts";
import { clusterAccesses, environmentAt, smokeWorld } from "../../src/wiring/world.ts";

await runAction("smoke", async ({ core, input }) => {
  const environment = input("environment");
  const { access, ...check } = requestFromInputs(input, process.env, process.cwd());
  const clusters = clustersToSmoke(access, input("gke"), (kubeconfig) =>
    clusterAccesses(environmentAt(process.cwd(), environment), kubeconfig),
  );
  const world = { ...smokeWorld(), progress: core.info };
  const result = await smokeEnvironment({ environment, check, clusters }, world);
  const runs = result.clusters.map((c) => c.outcome.run);
  const [only] = runs;
  core.info(input("gke") || !only ? formatFleetReport(environment, result) : formatReport(only));
  for (const run of runs) annotateFindings(core, run.verdict.findings);
  await core.summary.addRaw(formatSummaryMarkdown(runs)).write();
  core.setOutput("passed", String(result.passed));
  core.setOutput("failed-checks", failedCheckIds(result).join(","));
  return { outcome: result, failure: () => `smoke checks failed for ${environment}` };
});
