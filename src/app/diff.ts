import type { Finding } from "../core/finding.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import { type Environment, loadEnvironments } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import type { Outcome } from "../core/outcome.ts";
import type { RenderResult } from "../core/render/render.ts";
import { refuseDuplicates, renderChecked } from "../core/render/render-checked.ts";
import { validateRendered } from "../core/validate/validate.ts";
import { type Baseline, diffEnvironment } from "../diff/environment.ts";
import type { Redactor } from "../diff/redact.ts";
import { changedObjects, type EnvironmentDiff, isDirty, renderMarkdownFull } from "../diff/report.ts";
import type { ManifestSource } from "./render.ts";

/** What an environment is diffed against, and the redactor that hides secrets while diffing. */
export interface Comparison {
  /** One baseline (a git ref's render, a folder, the live cluster), or one per cluster of a fleet. */
  baselines(environment: string): Promise<readonly Baseline[]>;
  readonly redactor: Redactor;
}

export interface RenderDiffRequest {
  readonly environment: string;
  /** Objects rendered elsewhere (a PR job's artifact), diffed instead of a render of the manifests. */
  readonly objects?: readonly RenderedObject[];
  /** Also run the validation policies on the render. */
  readonly validate?: boolean;
}

export interface RenderDiff {
  /** The render, when the objects were rendered here rather than given. */
  readonly render?: RenderResult;
  readonly head: readonly RenderedObject[];
  /** Validation findings of the render: none unless asked for, none for given objects. */
  readonly findings: readonly Finding[];
  /** One diff per baseline. */
  readonly diffs: readonly EnvironmentDiff[];
}

/**
 * The one render + diff flow of `diff`, `plan` and the PR action: render the environment (or
 * take the objects a PR job rendered), refuse duplicate objects either way, validate the render
 * when asked, and diff against each baseline.
 */
export async function renderAndDiff(
  tree: ManifestTree,
  request: RenderDiffRequest,
  comparison: Comparison,
): Promise<RenderDiff> {
  let render: RenderResult | undefined;
  let head: readonly RenderedObject[];
  if (request.objects) {
    refuseDuplicates(request.objects);
    head = request.objects;
  } else {
    render = renderChecked(tree, request.environment);
    head = render.objects;
  }
  const findings = render && request.validate ? validateRendered(render) : [];
  const baselines = await comparison.baselines(request.environment);
  const diffs = await Promise.all(
    baselines.map((b) => diffEnvironment(request.environment, head, b, comparison.redactor)),
  );
  return { ...(render ? { render } : {}), head, findings, diffs };
}

export interface DiffRequest {
  readonly environment: string;
}

export interface DiffOutcome extends Outcome {
  readonly diffs: readonly EnvironmentDiff[];
}

/** `diff`: the environment's render against `--against` (every cluster of a fleet). */
export async function diff(request: DiffRequest, ports: ManifestSource & Comparison): Promise<DiffOutcome> {
  const { diffs } = await renderAndDiff(ports.manifests(), request, ports);
  return { diffs, changes: changedObjects(diffs) };
}

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
    { environment: request.environment, validate: true, ...(objects ? { objects } : {}) },
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
