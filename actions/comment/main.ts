import * as core from "@actions/core";
import * as github from "@actions/github";
import { makeOctokit, octokitComments } from "../../src/github/octokit.ts";
import { updatePrComment } from "../../src/github/pr-comment.ts";
import { readSections } from "../../src/github/section-files.ts";

async function run(): Promise<void> {
  const sections = readSections(core.getInput("sections", { required: true }));
  const number = Number(core.getInput("pull-request", { required: true }));
  if (!Number.isInteger(number) || number <= 0)
    throw new Error(`pull-request "${number}" is not a PR number`);
  const octokit = makeOctokit(core.getInput("github-token"), github.context.apiUrl);
  const comments = octokitComments(octokit, { ...github.context.repo, number });
  const posted = await updatePrComment(comments, sections);
  core.info(`PR #${number}: ${sections.length} sections; comment parts ${JSON.stringify(posted)}`);
}

run().catch((e: unknown) => core.setFailed(e instanceof Error ? e.message : String(e)));
