import { expectationsForEnvironment } from "../smoke/adapters/environment.ts";
import type { ExpectationOverrides, SmokeExpectations } from "../smoke/expectations.ts";

/**
 * What the smoke checks expect of `environment` (its scrape jobs, metrics, GPUs and
 * dashboards), read from the manifests of the repository under `root`.
 */
export function smokeExpectations(
  root: string,
  environment: string,
  overrides: ExpectationOverrides = {},
): SmokeExpectations {
  return expectationsForEnvironment(root, environment, overrides);
}
