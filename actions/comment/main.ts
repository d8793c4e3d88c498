import { runAction } from "../../src/action/run.ts";
import { makeOctokit, octokitComments } from "../../src/github/octokit.ts";
import { updatePrComment } from "../../src/github/pr-comment.ts";
import { pullRequestNumber } from "../../src/github/pr-context.ts";
import { readSections } from "../../src/github/section-files.ts";

await runAction("comment", async ({ core, context, input, required }) => {
  const sections = readSections(required("sections"));
  const number = pullRequestNumber(required("pull-request"));
  const octokit = makeOctokit(input("github-token"), context.apiUrl);
  const posted = await updatePrComment(octokitComments(octokit, { ...context.repo, number }), sections);
  core.info(`PR #${number}: ${sections.length} sections; comment parts ${JSON.stringify(posted)}`);
  return { outcome: {} };
});
