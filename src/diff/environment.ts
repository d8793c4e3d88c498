import { type KubeObject, type RenderedObject, refKey, refOf } from "../core/kube/object.ts";
import type { SourceLocation } from "../core/location.ts";
import { type LiveCluster, liveDiff } from "./live.ts";
import { diffObjects } from "./object-diff.ts";
import type { Redactor } from "./redact.ts";
import type { EnvironmentDiff } from "./report.ts";

/**
 * What the rendered environment is compared with. For `objects` (a git ref's render, a folder
 * of hydrated files) every object in it is inventory: one no longer rendered is a removal.
 */
export type Baseline =
  | { readonly type: "objects"; readonly label: string; readonly objects: readonly KubeObject[] }
  | {
      readonly type: "cluster";
      readonly label: string;
      readonly cluster: LiveCluster;
      readonly concurrency?: number;
    };

export function sourcesOf(rendered: readonly RenderedObject[]): Map<string, SourceLocation> {
  return new Map(rendered.map((r) => [refKey(refOf(r.object)), r.source]));
}

export async function diffEnvironment(
  environment: string,
  rendered: readonly RenderedObject[],
  baseline: Baseline,
  redactor: Redactor,
): Promise<EnvironmentDiff> {
  const after = rendered.map((r) => r.object);
  const sources = sourcesOf(rendered);
  if (baseline.type === "objects") {
    return {
      environment,
      against: baseline.label,
      objects: diffObjects(baseline.objects, after, redactor, sources),
      blocked: [],
    };
  }
  const live = await liveDiff(after, baseline.cluster, {
    redactor,
    sources,
    ...(baseline.concurrency ? { concurrency: baseline.concurrency } : {}),
  });
  return { environment, against: baseline.label, ...live };
}
