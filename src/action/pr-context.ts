import { actionGitHub } from "../wiring/github.ts";
import type { ActionStep, StepResult } from "./run.ts";

/** The pr-context action: checks the PR context file a workflow_run received against the pull request GitHub knows. */
export async function prContextStep({ core, context, input, required }: ActionStep): Promise<StepResult> {
  const github = actionGitHub(input("github-token"), context.apiUrl);
  const pr = await github.verifyPrContextFile(context.repo, required("context"), required("head-sha"));
  core.setOutput("pull-request", String(pr.number));
  core.setOutput("base-sha", pr.base);
  return { outcome: {} };
}
