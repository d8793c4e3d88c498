import { type Finding, Severity } from "../../finding.ts";
import type { RenderedObject } from "../../kube/object.ts";

export const recommendedLabels = [
  "app.kubernetes.io/name",
  "app.kubernetes.io/part-of",
  "app.kubernetes.io/managed-by",
] as const;

/** The recommended labels every object must carry, so tools can find what belongs together. */
export function labelPolicy(r: RenderedObject): Finding[] {
  const labels = r.object.metadata.labels ?? {};
  const missing = recommendedLabels.filter((l) => !labels[l]);
  if (missing.length === 0) return [];
  return [
    {
      severity: Severity.Error,
      rule: "recommended-labels",
      message: `${r.object.kind} ${r.object.metadata.name} has no ${missing.join(", ")} label${missing.length > 1 ? "s" : ""}`,
      location: r.locate?.(["metadata"]) ?? r.source,
      hint: "use the labels partial: {{> labels name=… component=…}}",
    },
  ];
}
