import { type MetricName, metrics, metricsEmittedBy } from "../../core/catalog/metrics.ts";
import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import type { SmokeExpectations } from "../expectations.ts";
import type { Observation } from "../observe.ts";

/** The series names a catalog metric shows up under in Prometheus. */
export function seriesNamesOf(metric: MetricName): string[] {
  return metrics[metric].type === "histogram"
    ? ["_bucket", "_sum", "_count"].map((s) => `${metric}${s}`)
    : [metric];
}

/** The metadata names a family may carry: OpenMetrics drops a counter's `_total`. */
function familyNames(metric: MetricName): string[] {
  return metric.endsWith("_total") ? [metric, metric.slice(0, -"_total".length)] : [metric];
}

export function checkMetrics(o: Observation, expectations: SmokeExpectations): Finding[] {
  if (!o.ready.ready) return [];
  const findings: Finding[] = [];
  if (!o.present.ok)
    findings.push(failure(CheckId.MetricsPresent, `series query failed: ${o.present.error}`));
  else if (o.present.resultType === "vector") {
    const present = new Set(o.present.result.map((s) => `${s.metric.job}\u0000${s.metric.__name__}`));
    for (const { job, service } of expectations.jobs) {
      for (const metric of metricsEmittedBy(service)) {
        const missing = seriesNamesOf(metric).filter((series) => !present.has(`${job}\u0000${series}`));
        if (missing.length > 0)
          findings.push(failure(CheckId.MetricsPresent, `${job}: no series for ${missing.join(", ")}`));
      }
    }
  }
  if (!o.metadata.ok) {
    findings.push(failure(CheckId.MetricsType, `target metadata unavailable: ${o.metadata.error}`));
    return findings;
  }
  for (const { job, service } of expectations.jobs) {
    const ofJob = o.metadata.value.filter((m) => m.target.job === job);
    for (const metric of metricsEmittedBy(service)) {
      const names = familyNames(metric);
      const expected = metrics[metric].type;
      const wrong = new Map<string, string>();
      for (const m of ofJob) {
        if (names.includes(m.metric) && m.type !== expected)
          wrong.set(`${job}/${m.target.pod ?? m.target.instance}`, m.type);
      }
      for (const [where, type] of wrong)
        findings.push(
          failure(
            CheckId.MetricsType,
            `${where}: ${metric} is exposed as ${type}, the catalog says ${expected}`,
          ),
        );
    }
  }
  return findings;
}
