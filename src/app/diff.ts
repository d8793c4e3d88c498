import { isTargetFailure } from "../apply/port.ts";
import { EnvironmentError } from "../core/errors.ts";
import type { Finding } from "../core/finding.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import type { Environment } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { Failure, type Outcome } from "../core/outcome.ts";
import type { RenderResult } from "../core/render/render.ts";
import { refuseDuplicates, renderChecked } from "../core/render/render-checked.ts";
import { type Baseline, diffEnvironment } from "../diff/environment.ts";
import type { Redactor } from "../diff/redact.ts";
import {
  type BaselineAnswer,
  changedObjects,
  diffsOf,
  type EnvironmentDiff,
  isUnread,
} from "../diff/report.ts";
import type { ManifestSource } from "./render.ts";
import type { ClusterTarget } from "./status.ts";

/** What an environment is diffed against, and the redactor that hides secrets while diffing. */
export interface Comparison {
  /** One baseline (a git ref's render, a folder, the live cluster), or one per cluster of a fleet. */
  baselines(environment: string): Promise<readonly Baseline[]>;
  readonly redactor: Redactor;
  /**
   * The baselines are the clusters of a fleet: one whose API server cannot be read is that
   * cluster's answer, and the others still give theirs. Otherwise such a failure ends the run.
   */
  readonly fleet?: boolean;
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

/** A failure of the cluster itself (unreachable, refused, timed out), not of flyby. */
function isClusterFailure(e: unknown): e is Error {
  return e instanceof EnvironmentError || isTargetFailure(e);
}

/** Why a cluster gave no diff, naming its API server (its target name when it has no URL). */
function unreadReason(baseline: Baseline & { type: "cluster" }, e: Error): string {
  const where = baseline.target.server ?? baseline.target.name;
  return e.message.includes(where) ? e.message : `${e.message} (${where})`;
}

/**
 * The rendered objects against each baseline at once, one answer each in their order. With
 * `fleet`, a cluster that cannot be read answers with why; without, its failure is thrown.
 */
export function answersOf(
  environment: string,
  head: readonly RenderedObject[],
  baselines: readonly Baseline[],
  redactor: Redactor,
  fleet: boolean,
): Promise<BaselineAnswer[]> {
  return Promise.all(
    baselines.map(async (b): Promise<BaselineAnswer> => {
      try {
        return await diffEnvironment(environment, head, b, redactor);
      } catch (e) {
        if (!fleet || b.type !== "cluster" || !isClusterFailure(e)) throw e;
        // An error text may quote what the server was sent or a URL with a password in it.
        return { environment, against: b.label, unreachable: redactor.text(unreadReason(b, e)) };
      }
    }),
  );
}

/** An environment failure for each baseline without a diff: the answer is partial. */
export function unreadFailures(answers: readonly BaselineAnswer[]): Failure[] {
  return answers.filter(isUnread).map(() => Failure.Environment);
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
  /** One answer per baseline, in their order: a diff, or why a cluster of a fleet gave none. */
  readonly answers: readonly BaselineAnswer[];
  /** The answers that are diffs: every one unless the comparison is a fleet. */
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
  const answers = await answersOf(
    request.environment,
    head,
    baselines,
    comparison.redactor,
    comparison.fleet ?? false,
  );
  return { ...(render ? { render } : {}), head, findings, answers, diffs: diffsOf(answers) };
}

export interface DiffRequest {
  readonly environment: string;
}

export interface DiffOutcome extends Outcome {
  /** One answer per baseline: a diff, or why a cluster of a fleet could not be read. */
  readonly answers: readonly BaselineAnswer[];
}

/**
 * `diff`: the environment's render against `--against` (every cluster of a fleet). Not clean
 * when anything changed; an environment failure when a cluster of the fleet could not be read,
 * whatever the others found.
 */
export async function diff(request: DiffRequest, ports: ManifestSource & Comparison): Promise<DiffOutcome> {
  const { answers, diffs } = await renderAndDiff(ports.manifests(), request, ports);
  return { answers, changes: changedObjects(diffs), failures: unreadFailures(answers) };
}
