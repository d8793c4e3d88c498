import type { ManifestTree } from "../../core/manifests/tree.ts";
import { renderEnvironment } from "../../core/render/render.ts";
import {
  type ExpectationOverrides,
  expectationsFromRender,
  type SmokeExpectations,
} from "../expectations.ts";

/** The uid of every dashboard in manifests/dashboards/. */
export function dashboardUids(tree: ManifestTree): string[] {
  return [...tree.files]
    .filter(([path]) => path.startsWith("dashboards/") && path.endsWith(".json"))
    .map(([, text]) => (JSON.parse(text) as { uid?: unknown }).uid)
    .filter((uid): uid is string => typeof uid === "string")
    .sort();
}

/** Smoke expectations from the repository's manifests for one environment. */
export function expectationsFromManifests(
  tree: ManifestTree,
  environment: string,
  overrides: ExpectationOverrides = {},
): SmokeExpectations {
  return expectationsFromRender(renderEnvironment(tree, environment), dashboardUids(tree), overrides);
}
