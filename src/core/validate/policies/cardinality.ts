import { highCardinalityLabels } from "../../catalog/metrics.ts";
import { type Finding, Severity } from "../../finding.ts";
import type { RenderedObject } from "../../kube/object.ts";
import { parseEmbeddedYaml } from "./embedded-yaml.ts";

interface RelabelConfig {
  action?: string;
  regex?: string;
  target_label?: string;
  source_labels?: string[];
}
interface ScrapeConfig {
  job_name: string;
  relabel_configs?: RelabelConfig[];
  metric_relabel_configs?: RelabelConfig[];
}

/** Prometheus relabel regexes are fully anchored. */
function drops(configs: readonly RelabelConfig[] | undefined, label: string): boolean {
  return (configs ?? []).some((c) => {
    if (c.action !== "labeldrop" || c.regex === undefined) return false;
    try {
      return new RegExp(`^(?:${c.regex})$`).test(label);
    } catch {
      return false;
    }
  });
}

/**
 * High-cardinality labels in a Prometheus config: never created by relabelling, and
 * dropped by every job that scrapes the application pods.
 */
export function scrapeConfigCardinality(r: RenderedObject, configText: string, key: string): Finding[] {
  const parsed = parseEmbeddedYaml<{ scrape_configs?: ScrapeConfig[] }>(
    r,
    configText,
    key,
    "prometheus-config",
  );
  if (!parsed.ok) return parsed.findings;
  const { value: config, at } = parsed;
  const findings: Finding[] = [];
  for (const job of config.scrape_configs ?? []) {
    for (const c of [...(job.relabel_configs ?? []), ...(job.metric_relabel_configs ?? [])]) {
      if (c.target_label && (highCardinalityLabels as readonly string[]).includes(c.target_label)) {
        findings.push({
          severity: Severity.Error,
          rule: "high-cardinality-label",
          message: `scrape job ${job.job_name} sets the high-cardinality label ${c.target_label}`,
          location: at,
        });
      }
    }
    if (!job.job_name.startsWith("overflying-")) continue;
    const kept = highCardinalityLabels.filter((l) => !drops(job.metric_relabel_configs, l));
    if (kept.length > 0) {
      findings.push({
        severity: Severity.Error,
        rule: "high-cardinality-label",
        message: `scrape job ${job.job_name} keeps ${kept.join(", ")}; add them to a labeldrop in metric_relabel_configs`,
        location: at,
        hint: "the seed's cardinality advice: user_type is fine, user_id is not",
      });
    }
  }
  return findings;
}
