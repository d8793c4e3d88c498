import { runAction } from "../../src/action/run.ts";
import { smokeEnvironment } from "../../src/app/smoke.ts";
import { annotateFindings } from "../../src/github/annotations.ts";
import { formatReport, formatSummaryMarkdown } from "../../src/smoke/report.ts";
import { requestFromInputs } from "../../src/smoke/run.ts";
import { smokeWorld } from "../../src/wiring.ts";

await runAction("smoke", async ({ core, input }) => {
  const environment = input("environment");
  const { access, ...check } = requestFromInputs(input, process.env, process.cwd());
  const clusters = [{ cluster: "", access }];
  const result = await smokeEnvironment(
    { environment, check, clusters },
    { ...smokeWorld(), progress: core.info },
  );
  const runs = result.clusters.map((c) => c.outcome.run);
  for (const { outcome } of result.clusters) {
    core.info(`${formatReport(outcome.run)}(${outcome.requests} HTTP requests)`);
    annotateFindings(core, outcome.run.verdict.findings);
  }
  await core.summary.addRaw(formatSummaryMarkdown(runs)).write();
  core.setOutput("passed", String(result.passed));
  const failed = runs.flatMap((r) => r.verdict.checks.filter((c) => c.status !== "pass").map((c) => c.id));
  core.setOutput("failed-checks", failed.join(","));
  return { outcome: result, headline: `smoke checks failed for ${environment}` };
});
