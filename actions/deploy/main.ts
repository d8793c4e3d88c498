import * as core from "@actions/core";
import * as github from "@actions/github";
import { exitCodeOf, isClean } from "../../src/app/exit-policy.ts";
import { formatReportMarkdown, headlineOf } from "../../src/apply/report.ts";
import { deployOptionsFromInputs, prepareDeploy } from "../../src/cli/commands/apply.ts";
import { annotateApply } from "../../src/github/annotations.ts";
import { octokitDeployments, withDeployment } from "../../src/github/deployment.ts";
import { makeOctokit } from "../../src/github/octokit.ts";
import { realWorld } from "../../src/wiring.ts";

async function run(): Promise<void> {
  for (const name of ["GRAFANA_ADMIN_USER", "GRAFANA_ADMIN_PASSWORD", "FLYBY_RECEIVER_TOKEN"])
    core.setSecret(process.env[name] ?? "");
  const options = deployOptionsFromInputs(core, process.cwd());
  const prepared = prepareDeploy(
    options,
    realWorld(process.cwd(), process.env, (line) => core.info(line)),
  );
  core.setOutput("sha256", prepared.sha256);
  const { repo, sha, serverUrl, runId, apiUrl } = github.context;
  const logUrl = `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}`;
  const deployments = octokitDeployments(makeOctokit(core.getInput("github-token"), apiUrl), repo);
  const record = {
    ref: sha,
    environment: options.env,
    production: prepared.production,
    sha256: prepared.sha256,
    logUrl,
  };
  const result = await withDeployment(deployments, record, async () => {
    const r = await prepared.run();
    return { ...r, ok: isClean(r.outcome), headline: headlineOf(r.reports, r.summary) };
  });
  annotateApply(core, result.reports);
  await core.summary
    .addRaw(`## flyby apply: ${options.env}\n\n${formatReportMarkdown(result.reports)}\n`)
    .write();
  core.setOutput("summary", JSON.stringify(result.summary));
  if (!result.ok)
    core.setFailed(`flyby apply ${options.env}: ${result.headline} (exit ${exitCodeOf(result.outcome)})`);
}

run().catch((e: unknown) => core.setFailed(e instanceof Error ? e.message : String(e)));
