import { shortHash } from "../bundle/bundle.ts";
import type { BaselineAnswer } from "../diff/report.ts";
import { diffsOf, isDirty, isUnread, renderMarkdown, totals, unreadLine } from "../diff/report.ts";

/** One open issue per drifting environment, found again by its title and label. */
export interface DriftIssues {
  findOpen(title: string): Promise<{ readonly number: number } | undefined>;
  create(title: string, body: string): Promise<number>;
  update(issue: number, body: string): Promise<void>;
  /** Comments why, then closes the issue as completed. */
  close(issue: number, comment: string): Promise<void>;
}

export const driftLabel = "flyby-drift";

export function driftTitle(environment: string): string {
  return `Drift in ${environment}`;
}

export interface DriftCheck {
  readonly environment: string;
  readonly bundle: string;
  readonly deployment: number;
  readonly ref: string;
  /** One per cluster of the environment: its diff, or why it could not be read. */
  readonly answers: readonly BaselineAnswer[];
}

/** GitHub rejects an issue body over 65,536 characters; the report is cut to the first part. */
const bodyLimit = 60_000;

/** The clusters that could not be read, one line each; none when every cluster answered. */
function unreadNote(check: DriftCheck): string {
  const lines = check.answers.filter(isUnread).map((u) => `- ${unreadLine(u)}`);
  return lines.length ? `\n\nNot checked: these clusters could not be read.\n\n${lines.join("\n")}` : "";
}

export function driftBody(check: DriftCheck, checkedAt: string): string {
  const drifted = diffsOf(check.answers).filter((d) => isDirty([d]));
  const first = drifted.map((d) => renderMarkdown(d, Math.floor(bodyLimit / drifted.length)));
  const cut = first.some((p) => p.length > 1);
  const more = cut
    ? `\n\n_The report has more parts; the first of each cluster is shown. Run \`flyby drift --env ${check.environment}\` for all of it._`
    : "";
  return [
    `The live objects of **${check.environment}** differ from the bundle last applied there: ${shortHash(check.bundle)} (deployment #${check.deployment}, ${check.ref}).`,
    `Checked at ${checkedAt}. Re-apply with \`flyby rollback --env ${check.environment} --to <bundle>\` or promote a new release; this issue closes itself when the live state matches again.`,
    "",
    `${first.map((p) => p[0] ?? "").join("\n\n")}${more}${unreadNote(check)}`,
  ].join("\n");
}

/**
 * What happened to the environment's drift issue. When a cluster could not be read and the
 * others show no drift, the environment is not known to be clean: an open issue is `kept` open,
 * and with none open the answer is `unknown`.
 */
export type DriftAction = "opened" | "updated" | "closed" | "clean" | "kept" | "unknown";

/**
 * Opens or updates the environment's drift issue, or closes it when every cluster's live state
 * is clean again.
 */
export async function syncDriftIssue(
  issues: DriftIssues,
  check: DriftCheck,
  checkedAt: string,
): Promise<DriftAction> {
  const title = driftTitle(check.environment);
  const open = await issues.findOpen(title);
  const diffs = diffsOf(check.answers);
  if (isDirty(diffs)) {
    const body = driftBody(check, checkedAt);
    if (open) {
      await issues.update(open.number, body);
      return "updated";
    }
    await issues.create(title, body);
    return "opened";
  }
  const unread = check.answers.some(isUnread);
  if (!open) return unread ? "unknown" : "clean";
  if (unread) return "kept";
  const unchanged = diffs.reduce((n, d) => n + totals(d).unchanged, 0);
  await issues.close(
    open.number,
    `No drift at ${checkedAt}: the ${unchanged} live objects of ${check.environment} match ${shortHash(check.bundle)} (deployment #${check.deployment}).`,
  );
  return "closed";
}
