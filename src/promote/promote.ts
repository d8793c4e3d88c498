import { type Bundle, BundleFormat, sealBundle, shortHash } from "../bundle/bundle.ts";
import { parseImageReference } from "../bundle/image-ref.ts";
import { containerImages, pinObjects } from "../bundle/pin.ts";
import { EnvironmentError, InputError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { type DeployOutcome, deployBundle } from "./deploy.ts";
import { currentDeployment, latestState, succeeded } from "./history.ts";
import { type DeployDeps, DeploymentKind, type DeploymentRecord, DeploymentState as S } from "./ports.ts";
import { rollbackTo } from "./rollback.ts";

export const sourceEnvironment = "staging";

export interface PromoteRequest {
  /** The staging bundle, already read and hash-checked. */
  readonly bundle: Bundle;
  readonly bundleFile: string;
  readonly to: string;
  readonly tag: string;
  /** The commit the tag points at. */
  readonly tagCommit: string;
  /** The target environment rendered with its own values, in apply order. */
  readonly rendered: readonly KubeObject[];
}

export interface PromoteOutcome {
  readonly promoted: Bundle;
  /** Absent when production already ran this bundle. */
  readonly deploy?: DeployOutcome;
  readonly rollback?: DeployOutcome;
}

/** Every container of the staging bundle must run the digest its image map pins. */
function checkPins(bundle: Bundle, file: string): void {
  for (const { image, owner } of containerImages(bundle.content.objects)) {
    const ref = parseImageReference(image);
    const pin = bundle.content.images[ref.repository];
    if (!ref.digest || !pin || pin.digest !== ref.digest) {
      throw new InputError(
        `${owner} runs ${image}, which is not pinned by the bundle's digest${pin ? ` ${pin.digest}` : ""}; a bundle runs images by digest only`,
        { file },
      );
    }
  }
}

function findVerification(
  staging: readonly DeploymentRecord[],
  bundle: Bundle,
  file: string,
): DeploymentRecord {
  const commit = bundle.content.commit;
  const ofBundle = staging.filter((d) => d.payload.bundle === bundle.sha256 && d.sha === commit);
  const verified = ofBundle.find(succeeded);
  if (verified) return verified;
  const tried = ofBundle[0];
  const why = tried
    ? `its staging deployment #${tried.id} ended ${latestState(tried)}: ${tried.statuses[0]?.description ?? ""}`
    : `there is no staging Deployment of ${shortHash(bundle.sha256)} for commit ${commit.slice(0, 12)}`;
  throw new InputError(`the bundle was not verified on staging: ${why}; only verified bundles are promoted`, {
    file,
  });
}

/**
 * Puts into the target environment exactly what passed on staging: the tag's commit, the
 * staging bundle's digests, the target's own values. Rolls back when the smoke checks fail.
 */
export async function promote(deps: DeployDeps, req: PromoteRequest): Promise<PromoteOutcome> {
  const { bundle, bundleFile: file } = req;
  if (bundle.content.environment !== sourceEnvironment) {
    throw new InputError(
      `the bundle was built for ${bundle.content.environment}; promotion takes a ${sourceEnvironment} bundle`,
      { file },
    );
  }
  if (bundle.content.commit !== req.tagCommit) {
    throw new InputError(
      `the bundle was built from commit ${bundle.content.commit} but tag ${req.tag} points at ${req.tagCommit}`,
      { file },
    );
  }
  checkPins(bundle, file);
  findVerification(await deps.ledger.list(sourceEnvironment), bundle, file);

  const promoted = sealBundle({
    format: BundleFormat,
    environment: req.to,
    commit: bundle.content.commit,
    images: bundle.content.images,
    objects: pinObjects(req.rendered, bundle.content.images, req.to),
    promotedFrom: bundle.sha256,
  });
  const before = await deps.ledger.list(req.to);
  const current = currentDeployment(before);
  if (
    current?.payload.bundle === promoted.sha256 &&
    latestState(before[0] as DeploymentRecord) !== S.Failure
  ) {
    deps.progress(`${req.to} already runs ${shortHash(promoted.sha256)} (deployment #${current.id})\n`);
    return { promoted };
  }
  await deps.store.put(promoted);
  const deploy = await deployBundle(deps, {
    bundle: promoted,
    ref: req.tag,
    payload: {
      kind: DeploymentKind.Promote,
      bundle: promoted.sha256,
      commit: promoted.content.commit,
      tag: req.tag,
      promotedFrom: bundle.sha256,
    },
    productionEnvironment: true,
    ...(current
      ? { failureNote: `rolling back to ${shortHash(current.payload.bundle)} (${current.ref})` }
      : {}),
  });
  if (deploy.state === S.Success) return { promoted, deploy };
  if (!current) {
    deps.progress(`${req.to}: no earlier successful deployment to roll back to\n`);
    return { promoted, deploy };
  }
  const rollback = await rollbackTo(deps, {
    environment: req.to,
    target: current,
    replacing: deploy.deployment.id,
    reason: deploy.reason,
    productionEnvironment: true,
  });
  return { promoted, deploy, rollback };
}

/**
 * The bundle that passed on staging for a commit: the newest successful staging Deployment
 * of that commit, its bundle fetched from the store and checked against its hash.
 */
export async function verifiedStagingBundle(
  deps: Pick<DeployDeps, "ledger" | "store">,
  commit: string,
): Promise<Bundle> {
  const staging = await deps.ledger.list(sourceEnvironment);
  const verified = staging.find((d) => d.sha === commit && succeeded(d));
  if (!verified) {
    throw new InputError(
      `commit ${commit} has no successful ${sourceEnvironment} Deployment: nothing verified to promote`,
    );
  }
  const bundle = await deps.store.get(verified.payload.bundle);
  if (!bundle) {
    throw new EnvironmentError(
      `the bundle ${shortHash(verified.payload.bundle)} of ${sourceEnvironment} deployment #${verified.id} is not available (its artifact may have expired)`,
    );
  }
  return bundle;
}
