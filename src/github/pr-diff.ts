import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import type { Finding } from "../core/finding.ts";
import { renderEnvironment } from "../core/render/render.ts";
import { validateRendered } from "../core/validate/validate.ts";
import { type BaselineRequest, resolveBaseline } from "../diff/baseline.ts";
import { diffEnvironment } from "../diff/environment.ts";
import { newSalt, Redactor } from "../diff/redact.ts";
import { type EnvironmentDiff, isDirty, renderMarkdown, renderMarkdownFull } from "../diff/report.ts";

export interface PrDiff {
  readonly diff: EnvironmentDiff;
  /** The comment, split under GitHub's size limit. */
  readonly parts: readonly string[];
  /** The whole report, for the job summary and the artifact. */
  readonly full: string;
  /** Validation findings of the PR's render, for file:line annotations. */
  readonly findings: readonly Finding[];
  readonly changed: boolean;
}

/** What the PR job does for one environment: render, validate, diff, and the report in both shapes. */
export async function prDiff(req: BaselineRequest): Promise<PrDiff> {
  const head = renderEnvironment(loadManifestTree(join(req.cwd, "manifests")), req.environment);
  const findings = validateRendered(head);
  const diff = await diffEnvironment(
    req.environment,
    head.objects,
    resolveBaseline(req),
    new Redactor(newSalt()),
  );
  return {
    diff,
    parts: renderMarkdown(diff),
    full: renderMarkdownFull([diff]),
    findings,
    changed: isDirty([diff]),
  };
}
