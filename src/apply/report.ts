import { describeRef, type ObjectRef } from "../core/kube/object.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";

export const Action = {
  Created: "created",
  Configured: "configured",
  Unchanged: "unchanged",
  Pruned: "pruned",
  Failed: "failed",
  NotAttempted: "not-attempted",
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Why an object failed, which decides the exit code: bad input, a conflict or rollout, or the environment. */
export const FailureKind = {
  Input: "input",
  Conflict: "conflict",
  Rollout: "rollout",
  Environment: "environment",
} as const;
export type FailureKind = (typeof FailureKind)[keyof typeof FailureKind];

export interface ObjectOutcome {
  readonly ref: ObjectRef;
  readonly action: Action;
  readonly message?: string;
  readonly failure?: FailureKind;
  /** The template line the failure points at. */
  readonly source?: SourceLocation;
  /** The rollout verdict after --wait. */
  readonly rollout?: string;
}

export interface ApplyReport {
  readonly target: string;
  readonly dryRun: boolean;
  readonly objects: readonly ObjectOutcome[];
  /** Why the run stopped early or pruning was refused, in order. */
  readonly problems: readonly string[];
  readonly requests: { readonly retries: number };
}

export type Summary = Record<"created" | "configured" | "unchanged" | "pruned" | "failed", number>;

export function summarize(objects: readonly ObjectOutcome[]): Summary {
  const s: Summary = { created: 0, configured: 0, unchanged: 0, pruned: 0, failed: 0 };
  for (const o of objects) if (o.action !== Action.NotAttempted) s[o.action]++;
  return s;
}

const summaryKeys = ["created", "configured", "unchanged", "pruned", "failed"] as const;

function outcomeLine(o: ObjectOutcome): string {
  const where = o.source ? ` (${formatLocation(o.source)})` : "";
  const note = o.message ? `: ${o.message}` : o.rollout ? ` · ${o.rollout}` : "";
  return `${o.action.padEnd(13)} ${describeRef(o.ref)}${note}${where}`;
}

/** The terminal report: one line per object that did something, then the counts table. */
export function formatReport(r: ApplyReport): string {
  const lines: string[] = [`${r.target}${r.dryRun ? " (dry run)" : ""}`];
  for (const o of r.objects) if (o.action !== Action.Unchanged) lines.push(`  ${outcomeLine(o)}`);
  const s = summarize(r.objects);
  const skipped = r.objects.filter((o) => o.action === Action.NotAttempted).length;
  lines.push(
    `  ${summaryKeys.map((k) => `${s[k]} ${k}`).join(", ")}${skipped ? `, ${skipped} not attempted` : ""}`,
  );
  for (const p of r.problems) lines.push(`  ${p}`);
  return `${lines.join("\n")}\n`;
}

/** The job summary: a Markdown table per target. */
export function formatReportMarkdown(reports: readonly ApplyReport[]): string {
  const head = `| target | ${summaryKeys.join(" | ")} | not attempted |\n|---|${summaryKeys.map(() => "---:").join("|")}|---:|`;
  const rows = reports.map((r) => {
    const s = summarize(r.objects);
    const skipped = r.objects.filter((o) => o.action === Action.NotAttempted).length;
    return `| \`${r.target}\` | ${summaryKeys.map((k) => s[k]).join(" | ")} | ${skipped} |`;
  });
  const details = reports.flatMap((r) =>
    r.objects
      .filter((o) => o.action === Action.Failed || o.action === Action.Pruned)
      .map((o) => `- \`${r.target}\` ${outcomeLine(o)}`),
  );
  return [head, ...rows, "", ...details, ...reports.flatMap((r) => r.problems.map((p) => `- ${p}`))].join(
    "\n",
  );
}

export function reportJson(o: ObjectOutcome) {
  return {
    ...o.ref,
    action: o.action,
    ...(o.message ? { message: o.message } : {}),
    ...(o.source ? { source: formatLocation(o.source) } : {}),
    ...(o.rollout ? { rollout: o.rollout } : {}),
  };
}
