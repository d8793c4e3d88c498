import { diffPullRequest } from "../app/diff-pr.ts";
import { writePrDiffReport } from "../wiring/pr-report.ts";
import { prDiffPorts } from "../wiring/read.ts";
import { annotateFindings } from "./annotations.ts";
import type { ActionStep, StepResult } from "./run.ts";

/** The diff action: the PR's render against its base (or a live cluster), written as the PR comment's section, its annotations and the job summary. */
export async function diffStep({ core, input, required }: ActionStep): Promise<StepResult> {
  const [environment, against, objects] = [required("environment"), required("against"), input("objects")];
  const kubeconfig = input("kubeconfig");
  const ports = prDiffPorts({ cwd: process.cwd(), against, ...(kubeconfig ? { kubeconfig } : {}) });
  const result = await core.group(`flyby diff ${environment}`, () =>
    diffPullRequest({ environment, against, ...(objects ? { objects } : {}) }, ports),
  );
  annotateFindings(core, result.findings);
  const { report, summary } = writePrDiffReport(input("out") || ".flyby/pr", result, {
    commit: input("commit"),
    artifact: input("artifact"),
    ...(objects ? {} : { rendered: result.head }),
  });
  await core.summary.addRaw(summary).write();
  core.setOutput("changed", String(result.changed));
  core.setOutput("report", report);
  // The PR's changes and findings go to its comment and annotations; they do not fail the step.
  return { outcome: {} };
}
