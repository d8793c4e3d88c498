/** How a deployment ended, as the timeline shows it. */
export const Verdict = {
  Success: "success",
  Failure: "failure",
  RolledBack: "rolled back",
  InProgress: "in progress",
} as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

const mark: Readonly<Record<Verdict, string>> = {
  [Verdict.Success]: "✅",
  [Verdict.Failure]: "❌",
  [Verdict.RolledBack]: "↩️",
  [Verdict.InProgress]: "⏳",
};

export interface TimelineEntry {
  readonly id: number;
  /** ISO 8601, UTC. */
  readonly at: string;
  /** deploy, promote or rollback. */
  readonly kind: string;
  /** The tag, or else the commit. */
  readonly version: string;
  /** sha256 of the bundle. */
  readonly bundle: string;
  readonly verdict: Verdict;
}

/** How many deployments of each environment the timeline shows, the newest ones. */
export const timelineDepth = 6;

// In a Mermaid timeline ':' followed by a space starts the next event, '#' starts a comment
// and ';' ends a statement, none of which can be escaped there.
const mermaidText = (s: string) => s.replace(/[:#;]/g, " ").replace(/\s+/g, " ").trim();

/** `11-30 14h05`: a time period may hold no ':'. */
const period = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 13)}h${iso.slice(14, 16)}`;

/**
 * A Mermaid timeline of the last deployments of each environment, oldest first, one section
 * per environment, each deployment's verdict first. Entries come newest first, as GitHub
 * lists Deployments.
 */
export function mermaidTimeline(
  title: string,
  byEnvironment: ReadonlyMap<string, readonly TimelineEntry[]>,
): string {
  const shown = [...byEnvironment].filter(([, entries]) => entries.length > 0);
  if (shown.length === 0) return "_No deployments yet._\n";
  const lines = ["```mermaid", "timeline", `  title ${mermaidText(title)}`];
  for (const [environment, entries] of shown) {
    lines.push(`  section ${mermaidText(environment)}`);
    for (const e of entries.slice(0, timelineDepth).reverse()) {
      const what = mermaidText(`${e.kind} ${e.version}`);
      const detail = mermaidText(`deployment ${e.id} · bundle ${e.bundle.slice(0, 12)}`);
      lines.push(`    ${period(e.at)} : ${mark[e.verdict]} ${e.verdict} : ${what} : ${detail}`);
    }
  }
  lines.push("```");
  return `${lines.join("\n")}\n`;
}
