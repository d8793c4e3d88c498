import type { Octokit } from "@octokit/rest";
import { type DriftIssues, driftLabel } from "../promote/drift.ts";
import type { RepoRef } from "./deployments.ts";
import { guarded } from "./octokit.ts";

/** Drift issues on @octokit/rest: found by label and exact title among the open issues. */
export function githubDriftIssues(octokit: Octokit, repo: RepoRef): DriftIssues {
  return {
    findOpen: (title) =>
      guarded("list the drift issues", async () => {
        const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
          ...repo,
          state: "open",
          labels: driftLabel,
          per_page: 100,
        });
        const found = open.find((i) => i.title === title && !i.pull_request);
        return found && { number: found.number };
      }),
    create: (title, body) =>
      guarded("open a drift issue", async () => {
        const res = await octokit.rest.issues.create({ ...repo, title, body, labels: [driftLabel] });
        return res.data.number;
      }),
    update: (issue, body) =>
      guarded(`update issue #${issue}`, async () => {
        await octokit.rest.issues.update({ ...repo, issue_number: issue, body });
      }),
    close: (issue, comment) =>
      guarded(`close issue #${issue}`, async () => {
        await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body: comment });
        await octokit.rest.issues.update({
          ...repo,
          issue_number: issue,
          state: "closed",
          state_reason: "completed",
        });
      }),
  };
}
