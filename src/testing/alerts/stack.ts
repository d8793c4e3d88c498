import { join } from "node:path";
import alertsOfStack from "../../../alerts/index.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import type { AlertsDefinition } from "../../alerts/definition.ts";
import { type StackFacts, stackFacts } from "../../core/catalog/stack.ts";
import type { ManifestTree } from "../../core/manifests/tree.ts";

const repoRoot = join(import.meta.dir, "..", "..", "..");

/** The repository's manifests, read once per call. */
export function repoManifests(): ManifestTree {
  return loadManifestTree(join(repoRoot, "manifests"));
}

/** The stack's facts from the repository's values. */
export function repoStack(): StackFacts {
  return stackFacts(repoManifests());
}

/** The repository's alerts (alerts/index.ts) for the repository's values. */
export function repoAlerts(stack: StackFacts = repoStack()): AlertsDefinition {
  return alertsOfStack(stack);
}
