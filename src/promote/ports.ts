import type { Bundle } from "../bundle/bundle.ts";
import type { KubeObject } from "../core/kube/object.ts";
import type { SmokeVerdict } from "../smoke/verdict.ts";

/** GitHub's deployment status states. */
export const DeploymentState = {
  Pending: "pending",
  Queued: "queued",
  InProgress: "in_progress",
  Success: "success",
  Failure: "failure",
  Error: "error",
  Inactive: "inactive",
} as const;
export type DeploymentState = (typeof DeploymentState)[keyof typeof DeploymentState];

export const DeploymentKind = { Deploy: "deploy", Promote: "promote", Rollback: "rollback" } as const;
export type DeploymentKind = (typeof DeploymentKind)[keyof typeof DeploymentKind];

/** What flyby writes into a Deployment's payload: enough to find and check the bundle again. */
export interface DeploymentPayload {
  readonly kind: DeploymentKind;
  /** sha256 of the bundle this deployment applies. */
  readonly bundle: string;
  readonly commit: string;
  readonly tag?: string;
  /** For a promotion: the staging bundle it was built from. */
  readonly promotedFrom?: string;
  /** For a rollback: the deployment it replaced, and why. */
  readonly rollbackOf?: number;
  readonly reason?: string;
  /** Who started it (the workflow's actor); the Deployment's creator is the job's token. */
  readonly actor?: string;
}

export interface DeploymentStatusRecord {
  readonly state: DeploymentState;
  readonly description: string;
  readonly createdAt: string;
}

export interface DeploymentRecord {
  readonly id: number;
  readonly environment: string;
  readonly ref: string;
  readonly sha: string;
  readonly creator: string;
  readonly createdAt: string;
  readonly payload: DeploymentPayload;
  /** Newest first. */
  readonly statuses: readonly DeploymentStatusRecord[];
}

export interface NewDeployment {
  readonly environment: string;
  readonly ref: string;
  readonly sha: string;
  readonly payload: DeploymentPayload;
  readonly description: string;
  readonly productionEnvironment: boolean;
}

/** The history of what was deployed where: GitHub Deployments. */
export interface DeploymentLedger {
  /** flyby's deployments of an environment, newest first, with their statuses. */
  list(environment: string): Promise<DeploymentRecord[]>;
  create(deployment: NewDeployment): Promise<DeploymentRecord>;
  setStatus(id: number, state: DeploymentState, description: string): Promise<void>;
}

/** Where bundles are kept by hash so that any deployment can be applied again. */
export interface BundleStore {
  get(sha256: string): Promise<Bundle | undefined>;
  put(bundle: Bundle): Promise<void>;
}

export interface RolloutResult {
  readonly ok: boolean;
  readonly summary: string;
}

/** Applies an environment's objects with prune and wait (the apply command's engine). */
export interface Rollout {
  apply(environment: string, objects: readonly KubeObject[]): Promise<RolloutResult>;
}

/** The smoke verdict on an environment, summed up in a line for its deployment status. */
export interface SmokeSummary extends Pick<SmokeVerdict, "passed"> {
  readonly summary: string;
}

/** The smoke checks of an environment after a deploy. */
export interface SmokeCheck {
  /**
   * Reads what the checks of `environment` will need (its expectations, its clusters) and
   * throws on bad input, so that a deploy refuses it before anything is recorded or applied.
   */
  prepare?(environment: string): void;
  check(environment: string): Promise<SmokeSummary>;
}

/** A finished deploy, marked where people look at the environment (Grafana's annotations). */
export interface DeployAnnotation {
  readonly environment: string;
  /** Milliseconds since the epoch. */
  readonly time: number;
  readonly text: string;
}

export interface DeployAnnotations {
  annotate(a: DeployAnnotation): Promise<void>;
}

export interface DeployDeps {
  readonly ledger: DeploymentLedger;
  readonly store: BundleStore;
  readonly rollout: Rollout;
  readonly smoke: SmokeCheck;
  /** Where finished deploys are annotated, when a Grafana is given. */
  readonly annotations?: DeployAnnotations;
  /** Who starts the deploys (GITHUB_ACTOR in a workflow). */
  readonly actor?: string;
  /** Milliseconds since the epoch. */
  now(): number;
  progress(line: string): void;
}
