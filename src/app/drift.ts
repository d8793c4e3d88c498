import { shortHash } from "../bundle/bundle.ts";
import { EnvironmentError } from "../core/errors.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import type { Environment } from "../core/manifests/environments.ts";
import type { Outcome } from "../core/outcome.ts";
import { diffEnvironment } from "../diff/environment.ts";
import { newSalt, Redactor } from "../diff/redact.ts";
import { changedObjects, type EnvironmentDiff, isDirty } from "../diff/report.ts";
import { type DriftAction, type DriftIssues, syncDriftIssue } from "../promote/drift.ts";
import { currentDeployment } from "../promote/history.ts";
import type { BundleStore, DeploymentLedger } from "../promote/ports.ts";
import { clusterBaselines } from "./diff.ts";
import type { ClusterTarget } from "./status.ts";

/**
 * The rendered objects against every cluster at once, as `diff --against cluster` compares
 * them: one diff per cluster (see clusterBaselines).
 */
export function diffClusters(
  env: Environment,
  rendered: readonly RenderedObject[],
  targets: readonly ClusterTarget[],
): Promise<EnvironmentDiff[]> {
  const redactor = new Redactor(newSalt());
  return Promise.all(
    clusterBaselines(env, targets).map((b) => diffEnvironment(env.name, rendered, b, redactor)),
  );
}

export interface DriftRequest {
  readonly environments: readonly Environment[];
  /** Keep each environment's drift issue up to date (needs `issues`). */
  readonly syncIssues: boolean;
}

export interface DriftPorts {
  readonly ledger: DeploymentLedger;
  readonly store: BundleStore;
  /** The clusters to compare: every cluster of the environment, or the one the kubeconfig names. */
  clusters(environment: Environment): Promise<readonly ClusterTarget[]>;
  readonly issues?: DriftIssues;
  /** The time the issue text gives, ISO 8601. */
  now(): string;
}

/** One cluster's answer: its name ("" for the kubeconfig's own cluster) and its diff. */
export interface ClusterDrift {
  readonly cluster: string;
  readonly diff: EnvironmentDiff;
}

export type EnvironmentDrift =
  | { readonly environment: string; readonly neverDeployed: true }
  | {
      readonly environment: string;
      readonly neverDeployed?: false;
      readonly bundle: string;
      readonly deployment: number;
      readonly clusters: readonly ClusterDrift[];
      readonly issue?: DriftAction;
    };

export interface DriftOutcome extends Outcome {
  readonly environments: readonly EnvironmentDrift[];
  /** Every cluster's diff, in environment then cluster order. */
  readonly diffs: readonly EnvironmentDiff[];
}

async function driftOf(
  environment: Environment,
  request: DriftRequest,
  ports: DriftPorts,
): Promise<EnvironmentDrift> {
  const name = environment.name;
  const current = currentDeployment(await ports.ledger.list(name));
  if (!current) return { environment: name, neverDeployed: true };
  const bundle = await ports.store.get(current.payload.bundle);
  if (!bundle) {
    throw new EnvironmentError(
      `the bundle ${shortHash(current.payload.bundle)} of ${name} (deployment #${current.id}) is not available; its artifact may have expired`,
    );
  }
  const label = `bundle ${shortHash(bundle.sha256)}`;
  const rendered = bundle.content.objects.map((object) => ({ object, source: { file: label } }));
  const targets = await ports.clusters(environment);
  const diffs = await diffClusters(environment, rendered, targets);
  const clusters = diffs.map((diff, i) => ({ cluster: targets[i]?.cluster ?? "", diff }));
  const issue =
    request.syncIssues && ports.issues
      ? await syncDriftIssue(
          ports.issues,
          { environment: name, bundle: bundle.sha256, deployment: current.id, ref: current.ref, diffs },
          ports.now(),
        )
      : undefined;
  return {
    environment: name,
    bundle: bundle.sha256,
    deployment: current.id,
    clusters,
    ...(issue ? { issue } : {}),
  };
}

/**
 * Each environment's live objects against the bundle of its newest successful deployment, on
 * each of its clusters. Not clean when any object drifted.
 */
export async function drift(request: DriftRequest, ports: DriftPorts): Promise<DriftOutcome> {
  const environments: EnvironmentDrift[] = [];
  for (const environment of request.environments)
    environments.push(await driftOf(environment, request, ports));
  const diffs = environments.flatMap((e) => (e.neverDeployed ? [] : e.clusters.map((c) => c.diff)));
  return { environments, diffs, changes: changedObjects(diffs) };
}

/** Whether one cluster's live objects differ from the bundle. */
export function drifted(c: ClusterDrift): boolean {
  return isDirty([c.diff]);
}
