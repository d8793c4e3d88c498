import { prepareDeploy } from "../app/deploy.ts";
import { isClean } from "../app/exit-policy.ts";
import { formatReportMarkdown, headlineOf } from "../apply/report.ts";
import { actionGitHub } from "../wiring/github.ts";
import { realWorld } from "../wiring/world.ts";
import { annotateApply } from "./annotations.ts";
import { deployOptionsFromInputs } from "./deploy-inputs.ts";
import type { ActionStep, StepResult } from "./run.ts";

/** The deploy action: applies an environment inside a GitHub Deployment and writes the apply table to the job summary. */
export async function deployStep({ core, context, input }: ActionStep): Promise<StepResult> {
  const options = deployOptionsFromInputs(core, process.cwd());
  const prepared = prepareDeploy(options, realWorld(process.cwd(), process.env, core.info));
  core.setOutput("sha256", prepared.sha256);
  const { repo, sha, serverUrl, runId, apiUrl } = context;
  const github = actionGitHub(input("github-token"), apiUrl);
  const logUrl = `${serverUrl}/${repo.owner}/${repo.repo}/actions/runs/${runId}`;
  const record = {
    ref: sha,
    environment: options.env,
    production: prepared.production,
    sha256: prepared.sha256,
    logUrl,
  };
  const result = await github.withDeployment(repo, record, async () => {
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
}
