import type { Deployments, RepoRef } from "../github/deployment.ts";
import { octokitDeployments } from "../github/deployment.ts";
import { makeOctokit, octokitComments, octokitPulls, type PullRequestRef } from "../github/octokit.ts";
import type { PullRequestHeads } from "../github/pr-context.ts";
import type { IssueComments } from "../github/sticky.ts";

/** GitHub's REST API as an action reaches it: the job's token and the workflow's API URL. */
export interface ActionGitHub {
  deployments(repo: RepoRef): Deployments;
  comments(pr: PullRequestRef): IssueComments;
  pulls(repo: RepoRef): PullRequestHeads;
}

/** One client for the whole step, whichever of GitHub's APIs the step uses. */
export function actionGitHub(token: string, apiUrl: string): ActionGitHub {
  const octokit = makeOctokit(token, apiUrl);
  return {
    deployments: (repo) => octokitDeployments(octokit, repo),
    comments: (pr) => octokitComments(octokit, pr),
    pulls: (repo) => octokitPulls(octokit, repo),
  };
}
