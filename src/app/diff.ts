import type { Finding } from "../core/finding.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import type { Environment } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import type { Outcome } from "../core/outcome.ts";
import type { RenderResult } from "../core/render/render.ts";
import { refuseDuplicates, renderChecked } from "../core/render/render-checked.ts";
import { type Baseline, diffEnvironment } from "../diff/environment.ts";
import type { Redactor } from "../diff/redact.ts";
import { changedObjects, type EnvironmentDiff } from "../diff/report.ts";
import type { ManifestSource } from "./render.ts";
import type { ClusterTarget } from "./status.ts";

/** What an environment is diffed against, and the redactor that hides secrets while diffing. */
export interface Comparison {
  /** One baseline (a git ref's render, a folder, the live cluster), or one per cluster of a fleet. */
  baselines(environment: string): Promise<readonly Baseline[]>;
  readonly redactor: Redactor;
}

/** Each cluster as a baseline to diff against, labelled `cluster NAME` (just `cluster` for an unnamed one). */
export function clusterBaselines(env: Environment, targets: readonly ClusterTarget[]): Baseline[] {
  const scope = { environment: env.name, appNamespace: env.appNamespace, namespaces: env.namespaces };
  return targets.map(({ cluster, target }) => ({
    type: "cluster",
    label: cluster ? `cluster ${cluster}` : "cluster",
    target,
    scope,
  }));
}

export interface RenderDiffRequest {
  readonly environment: string;
  /** Objects rendered elsewhere (a PR job's artifact), diffed instead of a render of the manifests. */
  readonly objects?: readonly RenderedObject[];
  /** The validation policies to run on the render (none for given objects). */
  readonly validate?: (render: RenderResult) => Finding[];
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
  const findings = render && request.validate ? request.validate(render) : [];
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
