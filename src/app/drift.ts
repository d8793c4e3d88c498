import { shortHash } from "../bundle/bundle.ts";
import { EnvironmentError } from "../core/errors.ts";
import type { Environment } from "../core/manifests/environments.ts";
import type { Outcome } from "../core/outcome.ts";
import type { Redactor } from "../diff/redact.ts";
import { type BaselineAnswer, changedObjects, diffsOf, isDirty, isUnread } from "../diff/report.ts";
import { type DriftAction, type DriftIssues, syncDriftIssue } from "../promote/drift.ts";
import { currentDeployment } from "../promote/history.ts";
import type { BundleStore, DeploymentLedger } from "../promote/ports.ts";
import { answersOf, clusterBaselines, unreadFailures } from "./diff.ts";
import type { ClusterTarget } from "./status.ts";

export interface DriftRequest {
  readonly environments: readonly Environment[];
  /** Keep each environment's drift issue up to date (needs `issues`). */
  readonly syncIssues: boolean;
  /**
   * The clusters are every cluster of each environment (`--gke env`): one that cannot be read
   * is that cluster's answer. Otherwise its failure ends the run.
   */
  readonly fleet: boolean;
}

export interface DriftPorts {
  readonly ledger: DeploymentLedger;
  readonly store: BundleStore;
  /** The clusters to compare: every cluster of the environment, or the one the kubeconfig names. */
  clusters(environment: Environment): Promise<readonly ClusterTarget[]>;
  readonly issues?: DriftIssues;
  /** Masks Secret values in the diffs; its salt comes from the caller, so a run can be repeated. */
  readonly redactor: Redactor;
  /** The time the issue text gives, ISO 8601. */
  now(): string;
}

/** One cluster's answer: its name ("" for the kubeconfig's own cluster) and its diff, or why it has none. */
export interface ClusterDrift {
  readonly cluster: string;
  readonly answer: BaselineAnswer;
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
  /** Every cluster's answer, in environment then cluster order. */
  readonly answers: readonly BaselineAnswer[];
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
  const baselines = clusterBaselines(environment, targets);
  const answers = await answersOf(name, rendered, baselines, ports.redactor, request.fleet);
  const clusters = answers.map((answer, i) => ({ cluster: targets[i]?.cluster ?? "", answer }));
  const issue =
    request.syncIssues && ports.issues
      ? await syncDriftIssue(
          ports.issues,
          { environment: name, bundle: bundle.sha256, deployment: current.id, ref: current.ref, answers },
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
 * each of its clusters. Not clean when any object drifted; an environment failure when a
 * cluster could not be read, whatever the others found.
 */
export async function drift(request: DriftRequest, ports: DriftPorts): Promise<DriftOutcome> {
  const environments: EnvironmentDrift[] = [];
  for (const environment of request.environments)
    environments.push(await driftOf(environment, request, ports));
  const answers = environments.flatMap((e) => (e.neverDeployed ? [] : e.clusters.map((c) => c.answer)));
  return {
    environments,
    answers,
    changes: changedObjects(diffsOf(answers)),
    failures: unreadFailures(answers),
  };
}

/** A cluster's verdict: its live objects differ from the bundle, match it, or could not be read. */
export function clusterVerdict(c: ClusterDrift): "drift" | "no drift" | "unreachable" {
  if (isUnread(c.answer)) return "unreachable";
  return isDirty([c.answer]) ? "drift" : "no drift";
}
