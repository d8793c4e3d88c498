import { readFileSync } from "node:fs";
import * as core from "@actions/core";
import * as github from "@actions/github";
import { makeOctokit, octokitPulls } from "../../src/github/octokit.ts";
import { verifyPrContext } from "../../src/github/pr-context.ts";

async function run(): Promise<void> {
  const file = core.getInput("context", { required: true });
  const pulls = octokitPulls(
    makeOctokit(core.getInput("github-token"), github.context.apiUrl),
    github.context.repo,
  );
  const pr = await verifyPrContext(
    readFileSync(file, "utf8"),
    file,
    core.getInput("head-sha", { required: true }),
    pulls,
  );
  core.setOutput("pull-request", String(pr.number));
  core.setOutput("base-sha", pr.base);
}

run().catch((e: unknown) => core.setFailed(e instanceof Error ? e.message : String(e)));
