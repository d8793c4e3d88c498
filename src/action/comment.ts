import { updatePrComment } from "../github/pr-comment.ts";
import { pullRequestNumber } from "../github/pr-context.ts";
import { readSections } from "../github/section-files.ts";
import { actionGitHub } from "../wiring/github.ts";
import type { ActionStep, StepResult } from "./run.ts";

/** The comment action: posts or updates the one sticky comment of a PR from its section files. */
export async function commentStep({ core, context, input, required }: ActionStep): Promise<StepResult> {
  const sections = readSections(required("sections"));
  const number = pullRequestNumber(required("pull-request"));
  const github = actionGitHub(input("github-token"), context.apiUrl);
  const posted = await updatePrComment(github.comments({ ...context.repo, number }), sections);
  core.info(`PR #${number}: ${sections.length} sections; comment parts ${JSON.stringify(posted)}`);
  return { outcome: {} };
}
