import type { ManifestTree } from "../core/manifests/tree.ts";
import type { Outcome } from "../core/outcome.ts";
import type { RenderResult } from "../core/render/render.ts";
import { renderChecked } from "../core/render/render-checked.ts";

/** Where the read-side use cases find the repository's manifests (templates, values, environments). */
export interface ManifestSource {
  manifests(): ManifestTree;
}

export interface RenderRequest {
  readonly environment: string;
}

export interface RenderOutcome extends Outcome {
  readonly render: RenderResult;
}

/** Renders one environment, refusing duplicate objects: what `render` prints or writes. */
export function render(request: RenderRequest, ports: ManifestSource): RenderOutcome {
  return { render: renderChecked(ports.manifests(), request.environment) };
}
