import { describeRef, type ObjectRef } from "../core/kube/object.ts";
import { formatLocation, type SourceLocation } from "../core/location.ts";
import { Failure, type Outcome } from "../core/outcome.ts";
import { type Diagnosis, diagnosisLines } from "./reasons.ts";

export const Action = {
  Created: "created",
  Configured: "configured",
  Unchanged: "unchanged",
  Pruned: "pruned",
  Failed: "failed",
  NotAttempted: "not-attempted",
} as const;
export type Action = (typeof Action)[keyof typeof Action];

/** Why an object failed: bad input, a conflict or rollout, or the environment (the outcome's vocabulary). */
export const FailureKind = Failure;
export type FailureKind = Failure;

/** How a waited-for rollout ended: separate from what apply did to the object. */
export const RolloutState = { Ready: "ready", Failed: "failed", TimedOut: "timed-out" } as const;
export type RolloutState = (typeof RolloutState)[keyof typeof RolloutState];

export interface RolloutOutcome {
  readonly state: RolloutState;
  /** Replicas available of those wanted, e.g. `2/3`. */
  readonly progress: string;
  readonly message?: string;
  /** Why it is not ready: its newest Pods and their Events. */
  readonly diagnosis?: Diagnosis;
}

export interface ObjectOutcome {
  readonly ref: ObjectRef;
  readonly action: Action;
  readonly message?: string;
  readonly failure?: FailureKind;
  /** The template line the failure points at. */
  readonly source?: SourceLocation;
  /** The rollout verdict after --wait. */
  readonly rollout?: RolloutOutcome;
}

/**
 * A problem of the run as a whole (not of one object): a refused prune, an unreadable inventory.
 * Not a Finding: it is about the run, not a place in an input, and its kind is what the exit policy reads.
 */
export interface RunProblem {
  /** `note` informs and fails nothing. */
  readonly kind: FailureKind | "refused" | "note";
  readonly message: string;
}

export interface ApplyReport {
  readonly target: string;
  readonly dryRun: boolean;
  readonly objects: readonly ObjectOutcome[];
  /** Why the run stopped early or pruning was refused, in order. */
  readonly problems: readonly RunProblem[];
  readonly requests: { readonly retries: number };
}

export type Summary = Record<"created" | "configured" | "unchanged" | "pruned" | "failed", number>;

export function summarize(objects: readonly ObjectOutcome[]): Summary {
  const s: Summary = { created: 0, configured: 0, unchanged: 0, pruned: 0, failed: 0 };
  for (const o of objects) if (o.action !== Action.NotAttempted) s[o.action]++;
  return s;
}

const summaryKeys = ["created", "configured", "unchanged", "pruned", "failed"] as const;

/** `3 created, 0 configured, 4 unchanged, 0 pruned, 0 failed`. */
export function summaryLine(s: Summary): string {
  return summaryKeys.map((k) => `${s[k]} ${k}`).join(", ");
}

/** `3/3 ready`, `rollout failed (0/1): …`, `not ready before the timeout (0/3): …`. */
export function rolloutLine(r: RolloutOutcome): string {
  const why = r.message ? `: ${r.message}` : "";
  if (r.state === RolloutState.Ready) return `${r.progress} ready`;
  if (r.state === RolloutState.Failed) return `rollout failed (${r.progress})${why}`;
  return `not ready before the timeout (${r.progress})${why}`;
}

const rolloutFailed = (o: ObjectOutcome) => o.rollout !== undefined && o.rollout.state !== RolloutState.Ready;

function outcomeLine(o: ObjectOutcome): string {
  const where = o.source ? ` (${formatLocation(o.source)})` : "";
  const note = o.message ? `: ${o.message}` : o.rollout ? ` · ${rolloutLine(o.rollout)}` : "";
  return `${o.action.padEnd(13)} ${describeRef(o.ref)}${note}${where}`;
}

const reasonLines = (o: ObjectOutcome) => (o.rollout?.diagnosis ? diagnosisLines(o.rollout.diagnosis) : []);

/** `rollouts: 1 ready, 1 failed, 1 not ready before the timeout`, when there were any. */
export function rolloutsLine(objects: readonly ObjectOutcome[]): string | undefined {
  const rollouts = objects.flatMap((o) => (o.rollout ? [o.rollout.state] : []));
  if (rollouts.length === 0) return undefined;
  const count = (s: RolloutState) => rollouts.filter((r) => r === s).length;
  return `rollouts: ${count(RolloutState.Ready)} ready, ${count(RolloutState.Failed)} failed, ${count(RolloutState.TimedOut)} not ready before the timeout`;
}

/** The counts and the rollout verdicts of a run over several targets, on one line. */
export function headlineOf(reports: readonly ApplyReport[], summary: Summary): string {
  const rollouts = rolloutsLine(reports.flatMap((report) => report.objects));
  return [summaryLine(summary), rollouts].filter(Boolean).join("; ");
}

const notAttemptedCount = (r: ApplyReport) =>
  r.objects.filter((o) => o.action === Action.NotAttempted).length;

/** The terminal report of one target: one line per object that did something, then the counts. */
export function formatReport(r: ApplyReport): string {
  const lines: string[] = [`${r.target}${r.dryRun ? " (dry run)" : ""}`];
  for (const o of r.objects) {
    if (o.action !== Action.Unchanged || rolloutFailed(o)) lines.push(`  ${outcomeLine(o)}`);
    for (const reason of reasonLines(o)) lines.push(`      ${reason}`);
  }
  const s = summarize(r.objects);
  const skipped = notAttemptedCount(r);
  const retried = r.requests.retries ? ` (${r.requests.retries} requests retried)` : "";
  lines.push(`  ${summaryLine(s)}${skipped ? `, ${skipped} not attempted` : ""}${retried}`);
  const rollouts = rolloutsLine(r.objects);
  if (rollouts) lines.push(`  ${rollouts}`);
  for (const p of r.problems) lines.push(`  ${p.message}`);
  return `${lines.join("\n")}\n`;
}

/** The counts as a terminal table, one row per target. */
export function formatSummaryTable(reports: readonly ApplyReport[]): string {
  const head = ["target", ...summaryKeys, "not attempted"];
  const rows = reports.map((r) => {
    const s = summarize(r.objects);
    return [r.target, ...summaryKeys.map((k) => String(s[k])), String(notAttemptedCount(r))];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join("  ");
  return `${[head, ...rows].map(line).join("\n")}\n`;
}

/** The job summary: a Markdown table per target. */
export function formatReportMarkdown(reports: readonly ApplyReport[]): string {
  const head = `| target | ${summaryKeys.join(" | ")} | not attempted |\n|---|${summaryKeys.map(() => "---:").join("|")}|---:|`;
  const rows = reports.map((r) => {
    const s = summarize(r.objects);
    return `| \`${r.target}\` | ${summaryKeys.map((k) => s[k]).join(" | ")} | ${notAttemptedCount(r)} |`;
  });
  const details = reports.flatMap((r) =>
    r.objects
      .filter((o) => o.action === Action.Failed || o.action === Action.Pruned || rolloutFailed(o))
      .flatMap((o) => [
        `- \`${r.target}\` ${outcomeLine(o)}`,
        ...reasonLines(o).map((reason) => `  - ${reason}`),
      ]),
  );
  return [
    head,
    ...rows,
    "",
    ...details,
    ...reports.flatMap((r) => r.problems.map((p) => `- \`${r.target}\` ${p.message}`)),
  ].join("\n");
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

/** What failed for one object: its apply, else its rollout. */
function failureOf(o: ObjectOutcome): FailureKind | undefined {
  if (o.action === Action.Failed) return o.failure;
  if (o.rollout?.state === RolloutState.Failed) return FailureKind.Rollout;
  if (o.rollout?.state === RolloutState.TimedOut) return FailureKind.Environment;
  return undefined;
}

/** A refused prune is bad input to fix; a note fails nothing. */
function failureOfProblem(p: RunProblem): Failure | undefined {
  if (p.kind === "note") return undefined;
  return p.kind === "refused" ? Failure.Input : p.kind;
}

/** What a set of runs found, as values: every failure of the runs and of their objects. */
export function outcomeOf(reports: readonly ApplyReport[]): Outcome {
  const failures = reports.flatMap((r) => [
    ...r.problems.flatMap((p) => {
      const f = failureOfProblem(p);
      return f ? [f] : [];
    }),
    ...r.objects.flatMap((o) => {
      const f = failureOf(o);
      return f ? [f] : [];
    }),
  ]);
  return { failures };
}
