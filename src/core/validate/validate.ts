import { checkDashboard } from "../catalog/dashboard-policy.ts";
import { type Finding, sortFindings } from "../finding.ts";
import type { RenderedObject } from "../kube/object.ts";
import type { RenderResult } from "../render/render.ts";
import { alertmanagerWebhookPolicy, renderedServices } from "./policies/alertmanager.ts";
import { scrapeConfigCardinality } from "./policies/cardinality.ts";
import { credentialsPolicy } from "./policies/credentials.ts";
import { duplicateObjects } from "./policies/duplicates.ts";
import { labelPolicy } from "./policies/metadata.ts";
import { imageDigestPolicy, resourcePolicy, scrapeAnnotationPolicy } from "./policies/workloads.ts";
import { schemaFindings } from "./schema.ts";

/** Checks embedded files: Prometheus configs and Grafana dashboards inside ConfigMaps. */
function embeddedFindings(
  r: RenderedObject,
  dashboardsRoot: string,
  services: ReadonlySet<string>,
): Finding[] {
  if (r.object.kind !== "ConfigMap") return [];
  const data = (r.object.data ?? {}) as Record<string, string>;
  const findings: Finding[] = [];
  for (const [key, text] of Object.entries(data)) {
    if (key === "prometheus.yml") findings.push(...scrapeConfigCardinality(r, text, key));
    else if (key === "alertmanager.yml") findings.push(...alertmanagerWebhookPolicy(r, text, key, services));
    else if (key.endsWith(".json") && r.object.metadata.name.includes("dashboard")) {
      findings.push(...checkDashboard(text, `${dashboardsRoot}/${key}`));
    }
  }
  return findings;
}

/**
 * Every check on an environment's rendered objects, as findings. Which findings fail a run
 * is decided by the caller: errors fail `validate`, warnings are shown.
 */
export function validateRendered(result: RenderResult, dashboardsRoot = "manifests/dashboards"): Finding[] {
  const requireDigests = result.environment.requireImageDigests;
  const findings: Finding[] = [...duplicateObjects(result.objects)];
  const services = renderedServices(result.objects);
  for (const r of result.objects) {
    findings.push(
      ...schemaFindings(r),
      ...labelPolicy(r),
      ...resourcePolicy(r),
      ...scrapeAnnotationPolicy(r),
      ...imageDigestPolicy(r, requireDigests),
      ...credentialsPolicy(r),
      ...embeddedFindings(r, dashboardsRoot, services),
    );
  }
  return sortFindings(findings);
}
