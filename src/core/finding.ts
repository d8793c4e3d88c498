import { formatLocation, type SourceLocation } from "./location.ts";

export const Severity = { Error: "error", Warning: "warning", Info: "info" } as const;
export type Severity = (typeof Severity)[keyof typeof Severity];

/**
 * Something wrong with an input, at a place, under a rule, returned as a value, never thrown:
 * validation, lint, dashboard queries, scrape bodies and smoke checks all produce findings, and
 * a policy decides which of them fail the run. What goes wrong with a run itself (a cluster that
 * cannot be reached) is an Outcome failure instead.
 */
export interface Finding {
  readonly severity: Severity;
  readonly rule: string;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly hint?: string;
}

/** `file:line: severity rule-id message`, the contract's finding line. */
export function formatFinding(f: Finding): string {
  const where = f.location ? `${formatLocation(f.location)}: ` : "";
  return `${where}${f.severity} ${f.rule} ${f.message}`;
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === Severity.Error);
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Deterministic order: by file, line, severity, rule, message. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.location?.file ?? "").localeCompare(b.location?.file ?? "") ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      severityRank[a.severity] - severityRank[b.severity] ||
      a.rule.localeCompare(b.rule) ||
      a.message.localeCompare(b.message),
  );
}
