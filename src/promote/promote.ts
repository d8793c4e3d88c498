import { type Bundle, BundleFormat, sealBundle, shortHash } from "../bundle/bundle.ts";
import { parseImageReference } from "../bundle/image-ref.ts";
import { containerImages, pinObjects } from "../bundle/pin.ts";
import { EnvironmentError, InputError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { type DeployOutcome, deployBundle } from "./deploy.ts";
import { currentDeployment, latestState, succeeded } from "./history.ts";
import { type DeployDeps, DeploymentKind, type DeploymentRecord, DeploymentState as S } from "./ports.ts";
import { rollbackTo } from "./rollback.ts";

export interface PromoteRequest {
  /** The source environment's bundle, already read and hash-checked. */
  readonly bundle: Bundle;
  readonly bundleFile: string;
  /** The environment the target promotes from (its `promotesFrom`). */
  readonly from: string;
  readonly to: string;
  /** Whether GitHub records the target's Deployments as production ones. */
  readonly production: boolean;
  readonly tag: string;
  /** The commit the tag points at. */
  readonly tagCommit: string;
  /** The target environment rendered with its own values, in apply order. */
  readonly rendered: readonly KubeObject[];
}

export interface PromoteOutcome {
  readonly promoted: Bundle;
  /** Absent when the target already ran this bundle. */
  readonly deploy?: DeployOutcome;
  readonly rollback?: DeployOutcome;
}

/** Every container of the source bundle must run the digest its image map pins. */
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
  from: string,
  source: readonly DeploymentRecord[],
  bundle: Bundle,
  file: string,
): DeploymentRecord {
  const commit = bundle.content.commit;
  const ofBundle = source.filter((d) => d.payload.bundle === bundle.sha256 && d.sha === commit);
  const verified = ofBundle.find(succeeded);
  if (verified) return verified;
  const tried = ofBundle[0];
  const why = tried
    ? `its ${from} deployment #${tried.id} ended ${latestState(tried)}: ${tried.statuses[0]?.description ?? ""}`
    : `there is no ${from} Deployment of ${shortHash(bundle.sha256)} for commit ${commit.slice(0, 12)}`;
  throw new InputError(`the bundle was not verified on ${from}: ${why}; only verified bundles are promoted`, {
    file,
  });
}

/**
 * Puts into the target environment exactly what passed on the one it promotes from: the
 * tag's commit, the source bundle's digests, the target's own values. Rolls back when the
 * smoke checks fail on any of its clusters.
 */
export async function promote(deps: DeployDeps, req: PromoteRequest): Promise<PromoteOutcome> {
  const { bundle, bundleFile: file } = req;
  if (bundle.content.environment !== req.from) {
    throw new InputError(
      `the bundle was built for ${bundle.content.environment}; ${req.to} promotes from ${req.from} and takes a ${req.from} bundle`,
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
  findVerification(req.from, await deps.ledger.list(req.from), bundle, file);

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
    productionEnvironment: req.production,
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
    productionEnvironment: req.production,
  });
  return { promoted, deploy, rollback };
}

/**
 * The bundle that passed on an environment for a commit: the newest successful Deployment
 * of that commit there, its bundle fetched from the store and checked against its hash.
 */
export async function verifiedBundle(
  deps: Pick<DeployDeps, "ledger" | "store">,
  from: string,
  commit: string,
): Promise<Bundle> {
  const records = await deps.ledger.list(from);
  const verified = records.find((d) => d.sha === commit && succeeded(d));
  if (!verified) {
    throw new InputError(
      `commit ${commit} has no successful ${from} Deployment: nothing verified to promote`,
    );
  }
  const bundle = await deps.store.get(verified.payload.bundle);
  if (!bundle) {
    throw new EnvironmentError(
      `the bundle ${shortHash(verified.payload.bundle)} of ${from} deployment #${verified.id} is not available (its artifact may have expired)`,
    );
  }
  return bundle;
}
