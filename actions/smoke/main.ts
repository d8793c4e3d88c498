import * as core from "@actions/core";
import { annotateFindings } from "../../src/github/annotations.ts";
import { systemClock } from "../../src/smoke/poller.ts";
import { formatReport, formatSummaryMarkdown } from "../../src/smoke/report.ts";
import { requestFromInputs, smoke } from "../../src/smoke/run.ts";

/** Reads the inputs, runs the smoke checks, writes outputs and the job summary. */
export async function run(): Promise<void> {
  try {
    const { run, requests } = await smoke({
      ...requestFromInputs((name) => core.getInput(name), process.env, process.cwd()),
      fetch: (url, init) => fetch(url, init),
      clock: systemClock,
      progress: (line) => core.info(line),
    });
    core.info(`${formatReport(run)}(${requests} HTTP requests)`);
    annotateFindings(core, run.verdict.findings);
    await core.summary.addRaw(formatSummaryMarkdown([run])).write();
    core.setOutput("passed", String(run.verdict.passed));
    core.setOutput(
      "failed-checks",
      run.verdict.checks
        .filter((c) => c.status !== "pass")
        .map((c) => c.id)
        .join(","),
    );
    if (!run.verdict.passed) core.setFailed(`smoke checks failed for ${run.verdict.environment}`);
  } catch (e) {
    core.setFailed((e as Error).message);
  }
}

if (import.meta.main) await run();
