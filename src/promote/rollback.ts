import { shortHash } from "../bundle/bundle.ts";
import { InputError } from "../core/errors.ts";
import { type DeployOutcome, deployBundle } from "./deploy.ts";
import { currentDeployment, statusText, succeeded } from "./history.ts";
import { type DeployDeps, DeploymentKind, type DeploymentRecord } from "./ports.ts";

export interface RollbackRequest {
  readonly environment: string;
  /** The deployment whose bundle goes back in. */
  readonly target: DeploymentRecord;
  /** The deployment being replaced, when the rollback is automatic. */
  readonly replacing?: number;
  readonly reason: string;
  readonly productionEnvironment: boolean;
}

/** Re-applies the bundle of an earlier successful deployment and records it as a rollback. */
export async function rollbackTo(deps: DeployDeps, req: RollbackRequest): Promise<DeployOutcome> {
  const bundle = await deps.store.get(req.target.payload.bundle);
  if (!bundle) {
    throw new InputError(
      `the bundle ${shortHash(req.target.payload.bundle)} of deployment #${req.target.id} is not in the bundle store; pass it with --to FILE`,
    );
  }
  deps.progress(
    `${req.environment}: rolling back to ${shortHash(bundle.sha256)} (deployment #${req.target.id}, ${req.target.ref})\n`,
  );
  return deployBundle(deps, {
    bundle,
    ref: req.target.ref,
    payload: {
      kind: DeploymentKind.Rollback,
      bundle: bundle.sha256,
      commit: bundle.content.commit,
      ...(req.target.payload.tag ? { tag: req.target.payload.tag } : {}),
      ...(req.replacing !== undefined ? { rollbackOf: req.replacing } : {}),
      reason: statusText(req.reason),
    },
    productionEnvironment: req.productionEnvironment,
  });
}

/**
 * The deployment `rollback --previous` returns to: the newest successful one whose bundle
 * differs from what runs now.
 */
export function previousDeployment(records: readonly DeploymentRecord[]): DeploymentRecord | undefined {
  const current = currentDeployment(records);
  if (!current) return undefined;
  return records.find(
    (d) => succeeded(d) && d.id < current.id && d.payload.bundle !== current.payload.bundle,
  );
}

/** The deployment that once applied the given bundle successfully, for `rollback --to FILE`. */
export function deploymentOfBundle(
  records: readonly DeploymentRecord[],
  sha256: string,
): DeploymentRecord | undefined {
  return records.find((d) => succeeded(d) && d.payload.bundle === sha256);
}
