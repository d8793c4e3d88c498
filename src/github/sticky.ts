/** The slice of GitHub issue comments the sticky comment needs. */
export interface IssueComment {
  readonly id: number;
  readonly body?: string | null;
  readonly user?: { readonly login: string } | null;
}

/** Comments on one pull request. The Octokit adapter (octokit.ts) implements it. */
export interface IssueComments {
  /** Every comment, all pages. */
  list(): Promise<IssueComment[]>;
  create(body: string): Promise<IssueComment>;
  update(id: number, body: string): Promise<void>;
  remove(id: number): Promise<void>;
}

export interface StickyResult {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly deleted: number;
}

/** The login GITHUB_TOKEN comments as. */
export const actionsBot = "github-actions[bot]";

const markerPattern = /^<!-- flyby:diff env=(\S+) part=(\d+)\/(\d+) -->/;

/** The hidden first line that identifies one part of one environment's comment. */
export function marker(environment: string, part: number, of: number): string {
  return `<!-- flyby:diff env=${environment} part=${part}/${of} -->`;
}

/**
 * Posts an environment's report as sticky comments: part N updates the comment that already
 * carries part N's marker, a missing part is created, parts beyond the new count are deleted.
 * Only comments written by `self` that carry flyby's marker are ever touched.
 */
export async function postSticky(
  comments: IssueComments,
  environment: string,
  parts: readonly string[],
  self: string = actionsBot,
): Promise<StickyResult> {
  const mine = new Map<number, IssueComment[]>();
  for (const c of await comments.list()) {
    if (c.user?.login !== self) continue;
    const m = markerPattern.exec(c.body ?? "");
    if (!m || m[1] !== environment) continue;
    const part = Number(m[2]);
    mine.set(part, [...(mine.get(part) ?? []), c]);
  }
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  let deleted = 0;
  for (const [i, text] of parts.entries()) {
    const body = `${marker(environment, i + 1, parts.length)}\n${text}`;
    const [existing, ...duplicates] = mine.get(i + 1) ?? [];
    if (!existing) {
      await comments.create(body);
      created++;
    } else if (existing.body === body) {
      unchanged++;
    } else {
      await comments.update(existing.id, body);
      updated++;
    }
    for (const d of duplicates) {
      await comments.remove(d.id);
      deleted++;
    }
  }
  for (const [part, stale] of mine) {
    if (part <= parts.length) continue;
    for (const c of stale) {
      await comments.remove(c.id);
      deleted++;
    }
  }
  return { created, updated, unchanged, deleted };
}
