import { runAction } from "../../src/action/run.ts";
import { makeOctokit, octokitPulls } from "../../src/github/octokit.ts";
import { verifyPrContextFile } from "../../src/github/pr-context.ts";

await runAction("pr-context", async ({ core, context, input, required }) => {
  const pulls = octokitPulls(makeOctokit(input("github-token"), context.apiUrl), context.repo);
  const pr = await verifyPrContextFile(required("context"), required("head-sha"), pulls);
  core.setOutput("pull-request", String(pr.number));
  core.setOutput("base-sha", pr.base);
  return { outcome: {} };
});
