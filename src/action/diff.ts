import { diffPullRequest } from "../app/diff-pr.ts";
import { annotateFindings } from "../github/annotations.ts";
import { jobSummary } from "../github/job-summary.ts";
import { prSection, writePrDiffFiles } from "../github/section-files.ts";
import { prDiffPorts } from "../wiring/read.ts";
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
  const section = prSection(result, input("commit"));
  const out = input("out") || ".flyby/pr";
  const report = writePrDiffFiles(out, section, result.full, objects ? undefined : result.head);
  await core.summary.addRaw(jobSummary(result.full, [section], input("artifact"))).write();
  core.setOutput("changed", String(result.changed));
  core.setOutput("report", report);
  // The PR's changes and findings go to its comment and annotations; they do not fail the step.
  return { outcome: {} };
}
