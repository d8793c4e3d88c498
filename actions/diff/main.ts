import { mkdirSync, writeFileSync } from "node:fs";
import * as core from "@actions/core";
import * as github from "@actions/github";
import { makeOctokit, octokitComments } from "../../src/github/octokit.ts";
import { prDiff } from "../../src/github/pr-diff.ts";
import { postSticky } from "../../src/github/sticky.ts";

async function run(): Promise<void> {
  const environment = core.getInput("environment", { required: true });
  const key = core.getInput("comment-key") || environment;
  const kubeconfig = core.getInput("kubeconfig");
  const result = await prDiff({
    cwd: process.cwd(),
    environment,
    against: core.getInput("against", { required: true }),
    ...(kubeconfig ? { kubeconfig } : {}),
  });
  for (const f of result.findings) {
    const where = { title: f.rule, file: f.location?.file, startLine: f.location?.line };
    if (f.severity === "error") core.error(f.message, where);
    else if (f.severity === "warning") core.warning(f.message, where);
  }
  mkdirSync(".flyby/diff", { recursive: true });
  const report = `.flyby/diff/${key}.md`;
  writeFileSync(report, result.full);
  await core.summary.addRaw(result.full).write();
  const pr = github.context.payload.pull_request;
  if (pr && core.getBooleanInput("comment")) {
    const comments = octokitComments(makeOctokit(core.getInput("github-token")), {
      ...github.context.repo,
      number: pr.number,
    });
    const posted = await postSticky(comments, key, result.parts);
    core.info(`comment ${key}: ${JSON.stringify(posted)}`);
  }
  core.setOutput("changed", String(result.changed));
  core.setOutput("report", report);
}

run().catch((e: unknown) => core.setFailed(e instanceof Error ? e.message : String(e)));
