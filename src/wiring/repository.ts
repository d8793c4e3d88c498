import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import type { ManifestSource } from "../app/render.ts";

/**
 * The repository flyby runs in, as the light commands reach it. Its adapters load no library,
 * so `--help`, `--version` and `render` start without the cluster, GitHub or PromQL clients
 * (see src/cli/startup.test.ts).
 */

/** The manifests under `root/manifests`, read when a use case asks for them. */
export function manifestFiles(root: string): ManifestSource {
  return { manifests: () => loadManifestTree(join(root, "manifests")) };
}
