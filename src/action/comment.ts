import { InputError } from "../core/errors.ts";
import { actionGitHub } from "../wiring/github.ts";
import { readPrSections } from "../wiring/pr-report.ts";
import type { ActionStep, StepResult } from "./run.ts";

/** The PR number an action was given; anything but a positive whole number is bad input naming the input. */
function pullRequestNumber(input: string): number {
  const number = Number(input);
  if (!Number.isInteger(number) || number <= 0) {
    throw new InputError(`pull-request "${input}" is not a PR number`, undefined, "pull-request");
  }
  return number;
}

/** The comment action: posts or updates the one sticky comment of a PR from its section files. */
export async function commentStep({ core, context, input, required }: ActionStep): Promise<StepResult> {
  const sections = readPrSections(required("sections"));
  const number = pullRequestNumber(required("pull-request"));
  const github = actionGitHub(input("github-token"), context.apiUrl);
  const posted = await github.updatePrComment({ ...context.repo, number }, sections);
  core.info(`PR #${number}: ${sections.length} sections; comment parts ${JSON.stringify(posted)}`);
  return { outcome: {} };
}
