import { octokitDeployments, type RepoRef, withDeployment } from "../github/deployment.ts";
import { makeOctokit, octokitComments, octokitPulls, type PullRequestRef } from "../github/octokit.ts";
import { type VerifiedPr, verifyPrContextFile } from "../github/pr-context.ts";
import { type Section, updatePrComment } from "../pr/comment.ts";
import type { StickyResult } from "../pr/sticky.ts";

/** What a deploy records in its GitHub Deployment (see withDeployment). */
type DeploymentRecord = Parameters<typeof withDeployment>[1];

/** GitHub's REST API as an action reaches it: the job's token and the workflow's API URL. */
export interface ActionGitHub {
  /** Runs `deploy` inside a GitHub Deployment of `repo`: in progress while it runs, then its success or failure. */
  withDeployment<T extends { ok: boolean; headline: string }>(
    repo: RepoRef,
    record: DeploymentRecord,
    deploy: () => Promise<T>,
  ): Promise<T>;
  /** Writes `sections` into the PR's one comment, keeping the sections other jobs wrote. */
  updatePrComment(pr: PullRequestRef, sections: readonly Section[]): Promise<StickyResult>;
  /** The PR a workflow_run's context file names, once GitHub says that PR's head is `runHeadSha`. */
  verifyPrContextFile(repo: RepoRef, file: string, runHeadSha: string): Promise<VerifiedPr>;
}

/** One client for the whole step, whichever of GitHub's APIs the step uses. */
export function actionGitHub(token: string, apiUrl: string): ActionGitHub {
  const octokit = makeOctokit(token, apiUrl);
  return {
    withDeployment: (repo, record, deploy) =>
      withDeployment(octokitDeployments(octokit, repo), record, deploy),
    updatePrComment: (pr, sections) => updatePrComment(octokitComments(octokit, pr), sections),
    verifyPrContextFile: (repo, file, runHeadSha) =>
      verifyPrContextFile(file, runHeadSha, octokitPulls(octokit, repo)),
  };
}
