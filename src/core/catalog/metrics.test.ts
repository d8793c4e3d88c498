import { describe, expect, test } from "bun:test";
import { metrics, metricsEmittedBy, resolveSeries } from "./metrics.ts";

describe("metric catalog", () => {
  test("holds every metric of the seed guide's Metrics Reference", () => {
    const seed = [
      "http_server_requests_total",
      "http_server_request_duration_seconds",
      "overflying_jobs_created_total",
      "overflying_jobs_total",
      "overflying_jobs_by_status",
      "overflying_sse_connections_active",
      "overflying_nats_events_published_total",
      "overflying_http_request_duration_seconds",
      "db_pool_connections_total",
      "db_query_duration_seconds",
      "process_cpu_seconds_total",
      "process_resident_memory_bytes",
      "process_open_fds",
      "overflying_worker_jobs_processed_total",
      "overflying_worker_jobs_failed_total",
      "overflying_worker_jobs_in_progress",
      "overflying_worker_job_execution_time_seconds",
      "overflying_worker_gpu_utilization",
      "overflying_worker_gpu_memory_used_bytes",
      "overflying_worker_gpu_temperature_celsius",
      "overflying_worker_poll_cycles_total",
      "overflying_worker_nats_events_published_total",
      "system_cpu_utilization",
    ];
    for (const name of seed) expect(Object.keys(metrics)).toContain(name);
  });

  test("resolves histogram series to their base metric, and only histograms", () => {
    expect(resolveSeries("overflying_worker_job_execution_time_seconds_bucket")?.metric).toBe(
      "overflying_worker_job_execution_time_seconds",
    );
    // The seed's query spelling, without the unit, is not a series the worker emits.
    expect(resolveSeries("overflying_worker_job_execution_time_bucket")).toBeUndefined();
    expect(resolveSeries("overflying_worker_job_execution_time_seconds")).toBeUndefined();
    expect(resolveSeries("overflying_jobs_total_count")).toBeUndefined();
    expect(resolveSeries("overflying_jobs_total")?.definition.type).toBe("gauge");
  });

  test("counters end in _total and every histogram has buckets", () => {
    for (const [name, def] of Object.entries(metrics)) {
      if (def.type === "counter") expect(name).toEndWith("_total");
      if (def.type === "histogram") expect("buckets" in def && def.buckets.length).toBeGreaterThan(0);
    }
  });

  test("GPU metrics come from the worker only", () => {
    expect(metricsEmittedBy("worker")).toContain("overflying_worker_gpu_utilization");
    expect(metricsEmittedBy("api")).not.toContain("overflying_worker_gpu_utilization");
  });
});
