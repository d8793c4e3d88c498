import { type Bundle, shortHash } from "../bundle/bundle.ts";
import { InputError } from "../core/errors.ts";
import type { DeployOutcome } from "../promote/deploy.ts";
import type { DeployDeps, DeploymentRecord } from "../promote/ports.ts";
import { deploymentOfBundle, previousDeployment, rollbackTo } from "../promote/rollback.ts";

export interface RollbackRequest {
  readonly environment: string;
  /** Whether GitHub records the environment's Deployments as production ones. */
  readonly production: boolean;
  /** The bundle to go back to (and the file it came from); without it, the previous good one. */
  readonly to?: { readonly bundle: Bundle; readonly file: string };
  readonly reason?: string;
}

export interface RollbackResult {
  /** The earlier deployment whose bundle runs again. */
  readonly target: DeploymentRecord;
  readonly rollback: DeployOutcome;
}

/**
 * The rollback use case (`flyby rollback`): only a bundle that once ran successfully in the
 * environment may be rolled back to, the previous good one by default; a bundle given by file
 * goes into the bundle store first, so the rollback can read it.
 */
export async function rollbackRelease(request: RollbackRequest, deps: DeployDeps): Promise<RollbackResult> {
  const { environment, to } = request;
  const records = await deps.ledger.list(environment);
  const target = to ? deploymentOfBundle(records, to.bundle.sha256) : previousDeployment(records);
  if (to && !target) {
    throw new InputError(
      `${shortHash(to.bundle.sha256)} never ran successfully in ${environment}; only bundles that did can be rolled back to`,
      { file: to.file },
    );
  }
  if (!target)
    throw new InputError(
      `${environment} has no earlier successful bundle to roll back to`,
      undefined,
      "--previous",
    );
  if (to) await deps.store.put(to.bundle);
  const rollback = await rollbackTo(deps, {
    environment,
    target,
    reason: request.reason ?? `rollback by hand to #${target.id}`,
    productionEnvironment: request.production,
  });
  return { target, rollback };
}
