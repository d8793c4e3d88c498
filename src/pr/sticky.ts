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

const markerPattern = /^<!-- flyby:(\S+) part=(\d+)\/(\d+) -->\n/;

/** The hidden first line that identifies one part of one sticky series. */
export function marker(series: string, part: number, of: number): string {
  return `<!-- flyby:${series} part=${part}/${of} -->`;
}

/** The parts of one series already on the PR, by part number (duplicates kept, to be removed). */
export type StickySeries = ReadonlyMap<number, readonly IssueComment[]>;

/** Finds a series' parts: only comments written by `self` whose first line is the series' marker. */
export async function readSticky(
  comments: IssueComments,
  series: string,
  self: string = actionsBot,
): Promise<StickySeries> {
  return seriesIn(await comments.list(), series, self);
}

/** A series' parts among comments already listed. */
export function seriesIn(
  listed: readonly IssueComment[],
  series: string,
  self: string = actionsBot,
): StickySeries {
  const mine = new Map<number, IssueComment[]>();
  for (const c of listed) {
    if (c.user?.login !== self) continue;
    const m = markerPattern.exec(c.body ?? "");
    if (!m || m[1] !== series) continue;
    const part = Number(m[2]);
    mine.set(part, [...(mine.get(part) ?? []), c]);
  }
  return mine;
}

/** The text of each part of a series, in part order, without the marker line. */
export function stickyTexts(existing: StickySeries): string[] {
  return [...existing.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, [c]]) => (c?.body ?? "").replace(markerPattern, ""));
}

/**
 * Writes a series over what `readSticky` found: part N updates the comment that carries part
 * N's marker, a missing part is created, parts beyond the new count and duplicates are deleted.
 */
export async function writeSticky(
  comments: IssueComments,
  series: string,
  parts: readonly string[],
  existing: StickySeries,
): Promise<StickyResult> {
  let created = 0;
  let updated = 0;
  let unchanged = 0;
  let deleted = 0;
  for (const [i, text] of parts.entries()) {
    const body = `${marker(series, i + 1, parts.length)}\n${text}`;
    const [current, ...duplicates] = existing.get(i + 1) ?? [];
    if (!current) {
      await comments.create(body);
      created++;
    } else if (current.body === body) {
      unchanged++;
    } else {
      await comments.update(current.id, body);
      updated++;
    }
    for (const d of duplicates) {
      await comments.remove(d.id);
      deleted++;
    }
  }
  for (const [part, stale] of existing) {
    if (part <= parts.length) continue;
    for (const c of stale) {
      await comments.remove(c.id);
      deleted++;
    }
  }
  return { created, updated, unchanged, deleted };
}

/** Posts `parts` as the sticky series `series`, replacing whatever it held. */
export async function postSticky(
  comments: IssueComments,
  series: string,
  parts: readonly string[],
  self: string = actionsBot,
): Promise<StickyResult> {
  return writeSticky(comments, series, parts, await readSticky(comments, series, self));
}
