import { z } from "zod";
import type { EnvironmentDiff } from "../diff/report.ts";
import { commentLimit, countsByKind, reviewBlocks, riskyObjects, totals } from "../diff/report.ts";
import {
  actionsBot,
  type IssueComments,
  marker,
  type StickyResult,
  seriesIn,
  stickyTexts,
  writeSticky,
} from "./sticky.ts";

/**
 * The one PR comment: every environment's offline and live diff in one sticky series. Each
 * environment's result is a section whose hidden marker carries its counts, so a job that
 * computed only some sections (the offline one, or the live one) rewrites those and keeps
 * the others: read, merge, write.
 */

/** The sticky series the PR comment is posted as. */
export const prSeries = "pr";

/**
 * The first line of the comments flyby posted before the one comment: one series per
 * environment and mode (`<!-- flyby:diff env=staging-live part=1/2 -->`). They are deleted
 * once the one comment is written, so a PR keeps no stale report.
 */
const legacyMarker = /^<!-- flyby:diff env=\S+ part=\d+\/\d+ -->/;

export const sectionModes = ["offline", "live"] as const;
export type SectionMode = (typeof sectionModes)[number];

const KindCounts = z.tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0)]);

const SectionSummary = z
  .object({
    environment: z.string().min(1),
    mode: z.enum(sectionModes),
    against: z.string(),
    /** The PR head commit the section was computed for. */
    commit: z.string().optional(),
    /** The environment's place in the promotion chain: sections sort by it. */
    rank: z.number().int().min(0),
    /** Kind → [added, changed, removed] objects. */
    kinds: z.record(z.string(), KindCounts),
    unchanged: z.number().int().min(0),
    risks: z.number().int().min(0),
    blocked: z.number().int().min(0),
  })
  .strict();
export type SectionSummary = z.infer<typeof SectionSummary>;

/** One environment's result in one mode, as chunks that each fit in a comment. */
export interface Section {
  readonly summary: SectionSummary;
  readonly chunks: readonly string[];
}

export const Section = z.object({ summary: SectionSummary, chunks: z.array(z.string()) }).strict();

/** Room for one chunk of a section; the rest of a part holds the headline and the markers. */
const chunkBudget = 50_000;
/** A part's text, leaving room for the series marker line. */
const partBudget = commentLimit - marker(prSeries, 999, 999).length - 1;

function changedCount(s: SectionSummary): number {
  return Object.values(s.kinds).reduce((n, [a, c, r]) => n + a + c + r, 0);
}

/** Packs blocks into chunks of at most `chunkBudget` characters. */
function pack(blocks: readonly string[], budget: number, gap = "\n\n"): string[] {
  const out: string[] = [];
  let current = "";
  for (const b of blocks) {
    if (current && current.length + gap.length + b.length > budget) {
      out.push(current);
      current = "";
    }
    current = current ? `${current}${gap}${b}` : b;
  }
  if (current) out.push(current);
  return out;
}

/** Markers in diffed content must not read as flyby's own (a ConfigMap may hold any text). */
function defuse(text: string): string {
  return text.replaceAll("<!--", "<!\u200b--");
}

/** The section for one environment's diff. */
export function sectionOf(
  diff: EnvironmentDiff,
  mode: SectionMode,
  options: { rank: number; commit?: string },
): Section {
  const kinds: Record<string, [number, number, number]> = {};
  for (const [kind, c] of countsByKind(diff)) {
    if (c.added + c.changed + c.removed > 0) kinds[kind] = [c.added, c.changed, c.removed];
  }
  const summary: SectionSummary = {
    environment: diff.environment,
    mode,
    against: diff.against,
    ...(options.commit ? { commit: options.commit } : {}),
    rank: options.rank,
    kinds,
    unchanged: totals(diff).unchanged,
    risks: riskyObjects(diff),
    blocked: diff.blocked.length,
  };
  return { summary, chunks: pack(reviewBlocks(diff, chunkBudget).map(defuse), chunkBudget) };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `3 changed, 1 risk`, `no changes`, `2 not diffed`. */
export function verdict(s: SectionSummary): string {
  const bits = [
    changedCount(s) > 0 ? `${changedCount(s)} changed` : "",
    s.risks > 0 ? plural(s.risks, "risk") : "",
    s.blocked > 0 ? `${s.blocked} not diffed` : "",
  ].filter(Boolean);
  return bits.length ? bits.join(", ") : "no changes";
}

function sectionKey(s: SectionSummary): string {
  return `${s.environment}\u0000${s.mode}`;
}

function order(a: SectionSummary, b: SectionSummary): number {
  return (
    a.rank - b.rank ||
    a.environment.localeCompare(b.environment) ||
    sectionModes.indexOf(a.mode) - sectionModes.indexOf(b.mode)
  );
}

/** The previous sections with the new ones in their place, in promotion order, offline before live. */
export function mergeSections(previous: readonly Section[], next: readonly Section[]): Section[] {
  const byKey = new Map(previous.map((s) => [sectionKey(s.summary), s]));
  for (const s of next) byKey.set(sectionKey(s.summary), s);
  return [...byKey.values()].sort((a, b) => order(a.summary, b.summary));
}

/** `**staging**: 3 changed, 1 risk (live: 3 changed) · **production**: no changes`. */
export function headline(sections: readonly Section[]): string {
  const byEnv = new Map<string, SectionSummary[]>();
  for (const { summary } of sections)
    byEnv.set(summary.environment, [...(byEnv.get(summary.environment) ?? []), summary]);
  return [...byEnv]
    .map(([env, [first, second]]) => {
      if (!first) return "";
      const head = `**${env}**${first.mode === "live" && !second ? " (live)" : ""}: ${verdict(first)}`;
      return second ? `${head} (live: ${verdict(second)})` : head;
    })
    .join(" · ");
}

function cell(counts: readonly [number, number, number] | undefined): string {
  if (!counts) return "";
  const [a, c, r] = counts;
  return [a ? `+${a}` : "", c ? `~${c}` : "", r ? `−${r}` : ""].filter(Boolean).join(" ");
}

/** Counts per kind, one column per environment and mode that changes anything; none when nothing does. */
export function countsTable(sections: readonly Section[]): string | undefined {
  const shown = sections.map((s) => s.summary).filter((s) => changedCount(s) > 0 || s.blocked > 0);
  if (shown.length === 0) return undefined;
  const kinds = [...new Set(shown.flatMap((s) => Object.keys(s.kinds)))].sort();
  const lines = [
    `| Kind | ${shown.map((s) => `${s.environment} ${s.mode}`).join(" | ")} |`,
    `|---|${shown.map(() => "--:").join("|")}|`,
    `| **risks** | ${shown.map((s) => (s.risks ? String(s.risks) : "")).join(" | ")} |`,
    ...kinds.map((k) => `| ${k} | ${shown.map((s) => cell(s.kinds[k])).join(" | ")} |`),
  ];
  return lines.join("\n");
}

function heading(s: SectionSummary, chunk: number): string {
  const at = s.commit ? ` for \`${s.commit.slice(0, 7)}\`` : "";
  const title = `**${s.environment}** · ${s.mode} against \`${s.against}\`${at}: ${verdict(s)}`;
  return chunk > 0 ? `${title} (continued)` : title;
}

function sectionMarker(s: SectionSummary, chunk: number, of: number): string {
  const data = JSON.stringify({ ...s, chunk: [chunk, of] })
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e");
  return `<!-- flyby:section ${data} -->`;
}

const sectionEnd = "<!-- /flyby:section -->";

/** A section as blocks of the comment; an unchanged one is its heading line alone. */
function sectionBlocks(section: Section): string[] {
  const chunks = section.chunks.length ? section.chunks : [""];
  return chunks.map((text, i) =>
    [
      sectionMarker(section.summary, i, chunks.length),
      heading(section.summary, i),
      ...(text ? ["", text] : []),
      sectionEnd,
    ].join("\n"),
  );
}

const footer =
  "<sub>Secret values never appear (salted hashes). Fields the server owns are ignored. The whole report is in the job summary and the run's artifacts.</sub>";

/** The comment as parts, each one under GitHub's limit with room for the series marker. */
export function renderComment(sections: readonly Section[]): string[] {
  const table = countsTable(sections);
  const head = ["## flyby", "", headline(sections), ...(table ? ["", table] : [])].join("\n");
  const parts = pack([head, ...sections.flatMap(sectionBlocks), footer], partBudget);
  return parts.length === 1
    ? parts
    : parts.map((p, i) => (i === 0 ? p : `_flyby, part ${i + 1}/${parts.length}_\n\n${p}`));
}

const sectionPattern =
  /<!-- flyby:section (\{.*?\}) -->\n[^\n]*\n(?:\n([\s\S]*?)\n)?<!-- \/flyby:section -->/g;

const ChunkMark = SectionSummary.extend({
  chunk: z.tuple([z.number().int().min(0), z.number().int().min(1)]),
});

/** The sections a comment holds; a marker that does not parse is left out (it is rewritten). */
export function parseSections(texts: readonly string[]): Section[] {
  const found = new Map<string, { summary: SectionSummary; chunks: string[] }>();
  for (const text of texts) {
    for (const m of text.matchAll(sectionPattern)) {
      let parsed: ReturnType<typeof ChunkMark.safeParse>;
      try {
        parsed = ChunkMark.safeParse(JSON.parse(m[1] ?? ""));
      } catch {
        continue;
      }
      if (!parsed.success) continue;
      const { chunk, ...summary } = parsed.data;
      const key = sectionKey(summary);
      const entry = found.get(key) ?? { summary, chunks: [] };
      if (m[2]) entry.chunks.push(m[2]);
      found.set(key, entry);
    }
  }
  return [...found.values()];
}

/**
 * Updates the one PR comment with `sections`, keeping the sections other jobs wrote: reads
 * the series, merges, writes the parts back (stale parts deleted).
 */
export async function updatePrComment(
  comments: IssueComments,
  sections: readonly Section[],
  self: string = actionsBot,
): Promise<StickyResult> {
  const listed = await comments.list();
  const existing = seriesIn(listed, prSeries, self);
  const merged = mergeSections(parseSections(stickyTexts(existing)), sections);
  const written = await writeSticky(comments, prSeries, renderComment(merged), existing);
  const stale = listed.filter((c) => c.user?.login === self && legacyMarker.test(c.body ?? ""));
  for (const c of stale) await comments.remove(c.id);
  return { ...written, deleted: written.deleted + stale.length };
}
