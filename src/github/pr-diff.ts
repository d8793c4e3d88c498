import { join } from "node:path";
import { baselineSources } from "../adapters/baseline-sources.ts";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import type { Finding } from "../core/finding.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import { renderEnvironment } from "../core/render/render.ts";
import { validateRendered } from "../core/validate/validate.ts";
import { type BaselineRequest, resolveBaseline } from "../diff/baseline.ts";
import { diffEnvironment } from "../diff/environment.ts";
import { newSalt, Redactor } from "../diff/redact.ts";
import { type EnvironmentDiff, isDirty, renderMarkdownFull } from "../diff/report.ts";
import { type Section, sectionOf } from "./pr-comment.ts";
import { readPrObjects } from "./pr-objects.ts";

export interface PrDiffRequest extends BaselineRequest {
  /** An uploaded objects artifact to diff instead of rendering (untrusted: it is checked). */
  readonly objects?: string;
  /** The PR head commit the result is for. */
  readonly commit?: string;
}

export interface PrDiff {
  readonly diff: EnvironmentDiff;
  /** This environment's part of the one PR comment. */
  readonly section: Section;
  /** The whole report, for the job summary and the artifact. */
  readonly full: string;
  /** The objects diffed, for the artifact the live job reads. */
  readonly head: readonly RenderedObject[];
  /** Validation findings of the PR's render, for file:line annotations (none for an artifact). */
  readonly findings: readonly Finding[];
  readonly changed: boolean;
}

/**
 * One environment of a PR: render and validate it (or read the objects a PR job rendered),
 * diff it against the base or the live cluster, and the report in both shapes.
 */
export async function prDiff(req: PrDiffRequest): Promise<PrDiff> {
  const tree = loadManifestTree(join(req.cwd, "manifests"));
  const environments = loadEnvironments(tree);
  let head: readonly RenderedObject[];
  let findings: readonly Finding[] = [];
  if (req.objects) {
    head = readPrObjects(req.objects, environments.get(req.environment));
  } else {
    const rendered = renderEnvironment(tree, req.environment);
    head = rendered.objects;
    findings = validateRendered(rendered);
  }
  const diff = await diffEnvironment(
    req.environment,
    head,
    resolveBaseline(req, baselineSources(req)),
    new Redactor(newSalt()),
  );
  const mode = req.against === "cluster" ? "live" : "offline";
  const rank = environments.all.findIndex((e) => e.name === req.environment);
  return {
    diff,
    section: sectionOf(diff, mode, { rank, ...(req.commit ? { commit: req.commit } : {}) }),
    full: renderMarkdownFull([diff]),
    head,
    findings,
    changed: isDirty([diff]),
  };
}
