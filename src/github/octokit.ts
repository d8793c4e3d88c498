import { Octokit } from "@octokit/rest";
import { describeCause } from "../adapters/network-cause.ts";
import { EnvironmentError } from "../core/errors.ts";
import type { IssueComment, IssueComments } from "../pr/sticky.ts";
import type { PullRequestHeads } from "./pr-context.ts";

export interface PullRequestRef {
  readonly owner: string;
  readonly repo: string;
  readonly number: number;
}

/**
 * Octokit reports a request that got no answer as status 500 with no response; the cause is
 * the connection's own error. Returns where it went and why it failed, or undefined for an answer.
 */
function unanswered(e: unknown): string | undefined {
  const failed = e as { status?: number; response?: unknown; cause?: unknown; request?: { url?: string } };
  if (failed.status !== 500 || failed.response !== undefined || failed.cause === undefined) return undefined;
  let where = "";
  try {
    where = ` at ${new URL(failed.request?.url ?? "").origin}`;
  } catch {
    // no URL to name: the message says only that GitHub was not reached
  }
  return `cannot reach GitHub${where}: ${describeCause(failed.cause)}`;
}

/** Runs a GitHub call, turning a refusal into an EnvironmentError that names what was tried. */
export async function guarded<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const network = unanswered(e);
    if (network) throw new EnvironmentError(network, { cause: e });
    const status = (e as { status?: number }).status;
    throw new EnvironmentError(
      `GitHub refused to ${what}${status ? ` (${status})` : ""}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

/** Issue comments of one pull request through @octokit/rest, all pages listed. */
export function octokitComments(octokit: Octokit, pr: PullRequestRef): IssueComments {
  const base = { owner: pr.owner, repo: pr.repo };
  return {
    list: () =>
      guarded("list comments", () =>
        octokit.paginate(octokit.rest.issues.listComments, {
          ...base,
          issue_number: pr.number,
          per_page: 100,
        }),
      ) as Promise<IssueComment[]>,
    create: (body) =>
      guarded("create a comment", async () => {
        const res = await octokit.rest.issues.createComment({ ...base, issue_number: pr.number, body });
        return res.data as IssueComment;
      }),
    update: (id, body) =>
      guarded("update a comment", async () => {
        await octokit.rest.issues.updateComment({ ...base, comment_id: id, body });
      }),
    remove: (id) =>
      guarded("delete a comment", async () => {
        await octokit.rest.issues.deleteComment({ ...base, comment_id: id });
      }),
  };
}

/** Pull requests' head and base commits through @octokit/rest. */
export function octokitPulls(octokit: Octokit, repo: { owner: string; repo: string }): PullRequestHeads {
  return {
    get: (number) =>
      guarded(`read pull request #${number}`, async () => {
        const { data } = await octokit.rest.pulls.get({ ...repo, pull_number: number });
        return { head: data.head.sha, base: data.base.sha, open: data.state === "open" };
      }),
  };
}

/** Failed requests are not logged here: `guarded` turns them into one error that names the call. */
const quietLog = { debug: () => {}, info: () => {}, warn: console.warn, error: () => {} };

export function makeOctokit(token: string, baseUrl?: string): Octokit {
  return new Octokit({ auth: token, log: quietLog, ...(baseUrl ? { baseUrl } : {}) });
}
