import { Action, type ApplyReport } from "../apply/report.ts";
import type { Finding } from "../core/finding.ts";
import { describeRef } from "../core/kube/object.ts";
import type { SourceLocation } from "../core/location.ts";

/** The slice of @actions/core that writes annotations. */
export interface Annotator {
  error(message: string, where: { title?: string; file?: string; startLine?: number }): void;
  warning(message: string, where: { title?: string; file?: string; startLine?: number }): void;
}

function where(title: string, location?: SourceLocation) {
  return { title, ...(location ? { file: location.file, startLine: location.line } : {}) };
}

/** Validation findings as annotations on the template file:line (errors and warnings; notes stay in the log). */
export function annotateFindings(core: Annotator, findings: readonly Finding[]): void {
  for (const f of findings) {
    if (f.severity === "error") core.error(f.message, where(f.rule, f.location));
    else if (f.severity === "warning") core.warning(f.message, where(f.rule, f.location));
  }
}

/** Every object an apply failed on (a 422 from the server, a conflict, a rollout) as an error on its template line. */
export function annotateApply(core: Annotator, reports: readonly ApplyReport[]): void {
  for (const r of reports) {
    for (const o of r.objects) {
      if (o.action !== Action.Failed) continue;
      core.error(
        `${describeRef(o.ref)}: ${o.message ?? "failed"}`,
        where(`flyby apply ${r.target}`, o.source),
      );
    }
  }
}
