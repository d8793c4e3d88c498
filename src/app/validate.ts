import { type Finding, sortFindings } from "../core/finding.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import type { Outcome } from "../core/outcome.ts";
import { renderEnvironment } from "../core/render/render.ts";
import { validateRendered } from "../core/validate/validate.ts";
import type { ManifestSource } from "./render.ts";

export interface ValidatePorts extends ManifestSource {
  /** What Prometheus's own tools (promtool, amtool) find in the rendered configuration. */
  toolFindings(objects: readonly RenderedObject[]): Promise<Finding[]>;
}

export interface ValidateRequest {
  readonly environment: string;
}

export interface ValidateOutcome extends Outcome {
  readonly environment: string;
  /** How many objects were rendered and checked. */
  readonly objects: number;
  readonly findings: readonly Finding[];
}

/**
 * Renders one environment and checks every object: the policy rules, then Prometheus's tools.
 * Duplicates are findings here, not a refusal, so every problem is listed at once.
 */
export async function validate(request: ValidateRequest, ports: ValidatePorts): Promise<ValidateOutcome> {
  const result = renderEnvironment(ports.manifests(), request.environment);
  const findings = sortFindings([...validateRendered(result), ...(await ports.toolFindings(result.objects))]);
  return { environment: request.environment, objects: result.objects.length, findings };
}
