import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import type { Observation } from "../observe.ts";

export function checkPrometheus(o: Observation): Finding[] {
  if (!o.ready.ready) return [failure(CheckId.PrometheusReady, `Prometheus is not ready: ${o.ready.detail}`)];
  const findings: Finding[] = [];
  if (!o.runtime.ok)
    findings.push(failure(CheckId.PrometheusConfig, `runtime info unavailable: ${o.runtime.error}`));
  else if (!o.runtime.value.reloadConfigSuccess)
    findings.push(
      failure(
        CheckId.PrometheusConfig,
        `the last configuration reload failed (last good configuration from ${o.runtime.value.lastConfigTime})`,
      ),
    );
  if (!o.rules.ok) findings.push(failure(CheckId.PrometheusRules, `rules unavailable: ${o.rules.error}`));
  else {
    for (const group of o.rules.value) {
      for (const rule of group.rules) {
        if (rule.health === "err")
          findings.push(
            failure(
              CheckId.PrometheusRules,
              `rule ${rule.name} in group ${group.name} (${group.file}) fails: ${rule.lastError ?? "unknown error"}`,
            ),
          );
      }
    }
  }
  return findings;
}
