import { type Bundle, shortHash } from "../bundle/bundle.ts";
import { InputError } from "../core/errors.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import type { Outcome } from "../core/outcome.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import type { DeployOutcome } from "../promote/deploy.ts";
import type { DeployDeps } from "../promote/ports.ts";
import { type PromoteOutcome, promote, verifiedBundle } from "../promote/promote.ts";

export interface ReleaseRequest {
  /** The environment to promote to; the chain in environments.yaml says where it promotes from. */
  readonly to: string;
  readonly tag: string;
  /** The commit the tag points at. */
  readonly commit: string;
  /** A bundle given by hand (and the file it came from), instead of the source's verified one. */
  readonly given?: { readonly bundle: Bundle; readonly file: string };
}

export interface ReleaseResult extends PromoteOutcome {
  /** The source environment's bundle the promotion was built from. */
  readonly source: Bundle;
  readonly outcome: Outcome;
}

/** A deployment that did not end in success fails the run; none at all (already running) is clean. */
export function deployOutcome(...deploys: readonly (DeployOutcome | undefined)[]): Outcome {
  return { checks: deploys.flatMap((d) => (d ? [{ passed: d.state === "success" }] : [])) };
}

/**
 * The release use case (`flyby promote`, the promote action): find the bundle verified on the
 * environment `to` promotes from, check it against the tag, apply it to `to`, smoke-check it,
 * and roll back to the last good bundle when the checks fail.
 */
export async function promoteRelease(
  request: ReleaseRequest,
  world: { readonly manifests: ManifestTree; deps(): DeployDeps },
): Promise<ReleaseResult> {
  const { to, tag, commit, given } = request;
  const environments = loadEnvironments(world.manifests);
  const target = environments.get(to);
  const from = environments.promotionSource(to);
  if (from === undefined) {
    throw new InputError(
      `${to} starts the promotion chain: it promotes from no environment (it is deployed, not promoted)`,
      undefined,
      "--to",
    );
  }
  const rendered = renderChecked(world.manifests, to);
  // Built only once the request is known to be sound: the deps need GitHub credentials.
  const deps = world.deps();
  const source = given?.bundle ?? (await verifiedBundle(deps, from, commit));
  const out = await promote(deps, {
    bundle: source,
    bundleFile: given?.file ?? `the ${from} bundle ${shortHash(source.sha256)}`,
    from,
    to,
    production: target.production,
    tag,
    tagCommit: commit,
    rendered: rendered.objects.map((r) => r.object),
  });
  // The rollback's own state is reported; what fails the run is the promotion's deploy.
  return { ...out, source, outcome: deployOutcome(out.deploy) };
}
