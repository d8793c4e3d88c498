import type { Bundle } from "../bundle/bundle.ts";
import { buildBundle, type DigestResolver } from "../bundle/pin.ts";
import { loadEnvironments } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { renderChecked } from "../core/render/render-checked.ts";

export interface BundleRequest {
  readonly environment: string;
  /** The commit the bundle is built from. */
  readonly commit: string;
}

/**
 * The bundle use case (`flyby bundle`): the environment rendered, every image pinned by digest
 * through the registry, and the other environments' renders checked for images to pin too.
 */
export function buildReleaseBundle(
  request: BundleRequest,
  ports: { readonly manifests: ManifestTree; readonly resolver: DigestResolver },
): Promise<Bundle> {
  const { environment, commit } = request;
  const rendered = renderChecked(ports.manifests, environment);
  const others = loadEnvironments(ports.manifests)
    .all.filter((e) => e.name !== environment)
    .flatMap((e) => renderChecked(ports.manifests, e.name).objects.map((r) => r.object));
  return buildBundle({
    environment,
    commit,
    values: rendered.values,
    objects: rendered.objects.map((r) => r.object),
    otherEnvironments: others,
    resolver: ports.resolver,
  });
}
