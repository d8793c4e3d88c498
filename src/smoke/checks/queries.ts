import type { Finding } from "../../core/finding.ts";
import { CheckId, failure } from "../check-id.ts";
import type { Observation } from "../observe.ts";

/**
 * The guide's "Query Metrics in Prometheus" examples. The guide writes the worker bucket
 * series as overflying_worker_job_execution_time_bucket; the catalog's name has the unit.
 */
export const exampleQueries = [
  "rate(http_server_requests_total[5m])",
  "rate(overflying_worker_jobs_processed_total[5m])",
  "histogram_quantile(0.95, rate(overflying_worker_job_execution_time_seconds_bucket[5m]))",
  'sum(process_resident_memory_bytes{job=~"overflying-api.*"}) by (pod)',
] as const;

export function checkExampleQueries(o: Observation): Finding[] {
  return o.examples
    .filter((q) => q.error !== undefined)
    .map((q) => failure(CheckId.ExampleQueries, `query ${q.expr} fails: ${q.error}`));
}
