import type { Finding } from "../core/finding.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import { type Environment, loadEnvironments } from "../core/manifests/environments.ts";
import type { Outcome } from "../core/outcome.ts";
import { validateRendered } from "../core/validate/validate.ts";
import { type EnvironmentDiff, isDirty, renderMarkdownFull } from "../diff/report.ts";
import { type Comparison, renderAndDiff } from "./diff.ts";
import type { ManifestSource } from "./render.ts";

export interface PrDiffPorts extends ManifestSource, Comparison {
  /** Reads and checks an uploaded objects artifact for the environment (untrusted data). */
  readArtifact(file: string, environment: Environment): RenderedObject[];
}

export interface PrDiffRequest {
  readonly environment: string;
  /** `git:REF`, `dir:PATH` or `cluster`: `cluster` makes this the PR's live section. */
  readonly against: string;
  /** An uploaded objects artifact to diff instead of rendering. */
  readonly objects?: string;
}

export interface PrDiff extends Outcome {
  readonly diff: EnvironmentDiff;
  /** Against the live cluster (the PR's live section) rather than offline. */
  readonly live: boolean;
  /** The environment's place in environments.yaml, which orders the PR comment's sections. */
  readonly rank: number;
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
export async function diffPullRequest(request: PrDiffRequest, ports: PrDiffPorts): Promise<PrDiff> {
  const tree = ports.manifests();
  const environments = loadEnvironments(tree);
  const objects = request.objects
    ? ports.readArtifact(request.objects, environments.get(request.environment))
    : undefined;
  const result = await renderAndDiff(
    tree,
    { environment: request.environment, validate: validateRendered, ...(objects ? { objects } : {}) },
    ports,
  );
  const [diff] = result.diffs;
  if (!diff) throw new Error(`no baseline to diff ${request.environment} against`);
  return {
    diff,
    live: request.against === "cluster",
    rank: environments.all.findIndex((e) => e.name === request.environment),
    full: renderMarkdownFull([diff]),
    head: result.head,
    findings: result.findings,
    changed: isDirty([diff]),
  };
}
