import { deployOptionsFromInputs } from "../../src/action/deploy-inputs.ts";
import { runAction } from "../../src/action/run.ts";
import { prepareDeploy } from "../../src/app/deploy.ts";
import { isClean } from "../../src/app/exit-policy.ts";
import { formatReportMarkdown, headlineOf } from "../../src/apply/report.ts";
import { annotateApply } from "../../src/github/annotations.ts";
import { octokitDeployments, withDeployment } from "../../src/github/deployment.ts";
import { makeOctokit } from "../../src/github/octokit.ts";
import { realWorld } from "../../src/wiring/world.ts";

await runAction("deploy", async ({ core, context, input }) => {
  const options = deployOptionsFromInputs(core, process.cwd());
  const prepared = prepareDeploy(options, realWorld(process.cwd(), process.env, core.info));
  core.setOutput("sha256", prepared.sha256);
  const { repo, sha, serverUrl, runId, apiUrl } = context;
  const deployments = octokitDeployments(makeOctokit(input("github-token"), apiUrl), repo);
  const logUrl = `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}`;
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
  return {
    outcome: result.outcome,
    failure: (code) => `flyby apply ${options.env}: ${result.headline} (exit ${code})`,
  };
});
