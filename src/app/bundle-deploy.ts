import type { Bundle } from "../bundle/bundle.ts";
import type { Outcome } from "../core/outcome.ts";
import { type DeployOutcome, deployAndVerify } from "../promote/deploy.ts";
import type { DeployDeps } from "../promote/ports.ts";
import { deployOutcome } from "./release.ts";

export interface BundleDeployRequest {
  /** A bundle built for the environment that starts the promotion chain, as `flyby bundle` wrote it. */
  readonly bundle: Bundle;
}

export interface BundleDeployResult {
  readonly deploy: DeployOutcome;
  readonly outcome: Outcome;
}

/**
 * The bundle deploy use case (`flyby deploy --bundle`, every merge): keep the bundle in the store,
 * record a Deployment of its commit, apply it, smoke-check it and leave the Deployment at success
 * or failure. That success is what lets promote take the bundle further.
 */
export async function deployBundleRelease(
  request: BundleDeployRequest,
  deps: DeployDeps,
): Promise<BundleDeployResult> {
  const { bundle } = request;
  const deploy = await deployAndVerify(deps, bundle, bundle.content.commit);
  return { deploy, outcome: deployOutcome(deploy) };
}
