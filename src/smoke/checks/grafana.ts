import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import type { GrafanaObservation } from "../observe.ts";

/** The seed's "Grafana Dashboards Show No Data" checklist: health, datasource, dashboards, data. */
export function checkGrafana(g: GrafanaObservation | undefined): Finding[] {
  if (!g) return [];
  const findings: Finding[] = [];
  if (!g.health.ok)
    findings.push(failure(CheckId.GrafanaHealth, `Grafana /api/health failed: ${g.health.error}`));
  else if (g.health.value.status !== 200 || g.health.value.database !== "ok")
    findings.push(
      failure(
        CheckId.GrafanaHealth,
        `Grafana /api/health answered HTTP ${g.health.value.status}, database "${g.health.value.database ?? "?"}"`,
      ),
    );
  if (!g.datasource.ok)
    findings.push(failure(CheckId.GrafanaDatasource, `datasource health failed: ${g.datasource.error}`));
  else if (g.datasource.value.status !== 200 || g.datasource.value.state !== "OK")
    findings.push(
      failure(
        CheckId.GrafanaDatasource,
        `the Prometheus datasource is unhealthy (HTTP ${g.datasource.value.status}): ${g.datasource.value.message ?? "no message"}`,
      ),
    );
  const panels = new Map<string, string>();
  for (const d of g.dashboards) {
    if (!d.ok) findings.push(failure(CheckId.GrafanaDashboards, `dashboard lookup failed: ${d.error}`));
    else if (!d.value.found)
      findings.push(failure(CheckId.GrafanaDashboards, `dashboard ${d.value.uid} not found`));
    else for (const q of d.value.queries) panels.set(q.refId, `dashboard ${d.value.uid} panel "${q.panel}"`);
  }
  if (!g.data.ok) findings.push(failure(CheckId.GrafanaData, `dashboard queries failed: ${g.data.error}`));
  else {
    for (const r of g.data.value) {
      const where = panels.get(r.refId) ?? r.refId;
      if (r.error) findings.push(failure(CheckId.GrafanaData, `${where}: query fails: ${r.error}`));
      else if (r.points === 0) findings.push(failure(CheckId.GrafanaData, `${where}: No data`));
    }
  }
  return findings;
}
