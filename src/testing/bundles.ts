import type { Bundle } from "../bundle/bundle.ts";
import { formatImageReference } from "../bundle/image-ref.ts";
import { buildBundle, type DigestResolver } from "../bundle/pin.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { renderChecked } from "../core/render/render-checked.ts";

/** Digests derived from the reference (and a salt standing for a new build), as a registry would answer. */
export function stableResolver(salt = ""): DigestResolver {
  return {
    async resolve(img) {
      const hex = new Bun.CryptoHasher("sha256").update(formatImageReference(img) + salt).digest("hex");
      return `sha256:${hex}`;
    },
  };
}

/**
 * The bundle `flyby bundle --env staging` would write, without a registry. A salt stands for
 * a new build of the same tags; a resolver replaces the registry altogether.
 */
export async function stagingBundleOf(
  tree: ManifestTree,
  commit: string,
  salt = "",
  resolver: DigestResolver = stableResolver(salt),
): Promise<Bundle> {
  const r = renderChecked(tree, "staging");
  return buildBundle({
    environment: "staging",
    commit,
    values: r.values,
    objects: r.objects.map((o) => o.object),
    otherEnvironments: renderChecked(tree, "production").objects.map((o) => o.object),
    resolver,
  });
}
