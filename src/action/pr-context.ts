import { verifyPrContextFile } from "../github/pr-context.ts";
import { actionGitHub } from "../wiring/github.ts";
import type { ActionStep, StepResult } from "./run.ts";

/** The pr-context action: checks the PR context file a workflow_run received against the pull request GitHub knows. */
export async function prContextStep({ core, context, input, required }: ActionStep): Promise<StepResult> {
  const pulls = actionGitHub(input("github-token"), context.apiUrl).pulls(context.repo);
  const pr = await verifyPrContextFile(required("context"), required("head-sha"), pulls);
  core.setOutput("pull-request", String(pr.number));
  core.setOutput("base-sha", pr.base);
  return { outcome: {} };
}
