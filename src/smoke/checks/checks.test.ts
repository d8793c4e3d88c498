import { describe, expect, test } from "bun:test";
import { resolveSeries } from "../../core/catalog/metrics.ts";
import { analyzePromql } from "../../core/catalog/promql.ts";
import {
  fixtureExpectations,
  fixtureTime,
  gpuSeries,
  healthyObservation as healthy,
  target,
} from "../../testing/smoke-fixtures.ts";
import { defaultExpectations } from "../expectations.ts";
import { alternation, type Observation, substituteVariables } from "../observe.ts";
import { smokeVerdictOf } from "../verdict.ts";
import { isDcgmSentinel } from "./gpu.ts";
import { runChecks } from "./index.ts";
import { exampleQueries } from "./queries.ts";

const at = fixtureTime;
const e = fixtureExpectations;

const messages = (o: Observation, rule?: string) =>
  runChecks(o, e)
    .filter((f) => rule === undefined || f.rule === rule)
    .map((f) => f.message);

function withGpu(o: Observation, name: string, gpu: string, value: string, age = 5): Observation {
  if (!o.gpu.ok || o.gpu.resultType !== "matrix") throw new Error("fixture has no GPU matrix");
  const rest = o.gpu.result.filter((s) => !(s.metric.__name__ === name && s.metric.gpu_id === gpu));
  return { ...o, gpu: { ...o.gpu, result: [...rest, gpuSeries(name, gpu, value, age)] } };
}

describe("smoke checks", () => {
  test("GIVEN a healthy environment THEN no findings and the verdict passes", async () => {
    const o = await healthy();
    expect(runChecks(o, e)).toEqual([]);
    expect(smokeVerdictOf("staging", o, []).passed).toBe(true);
  });

  test("Prometheus not ready: only that finding, every other check is not run", async () => {
    const o = await healthy((o) => ({
      ...o,
      ready: { ready: false, detail: "HTTP 503: Service Unavailable" },
    }));
    const findings = runChecks(o, e);
    expect(findings.map((f) => `${f.rule} ${f.message}`)).toEqual([
      "prometheus-ready Prometheus is not ready: HTTP 503: Service Unavailable",
    ]);
    const v = smokeVerdictOf("staging", o, findings);
    expect(v.passed).toBe(false);
    expect(v.checks.find((c) => c.id === "targets-up")?.status).toBe("not run");
  });

  test("a failed config reload and a failing rule are reported", async () => {
    const o = await healthy((o) => ({
      ...o,
      runtime: { ok: true, value: { reloadConfigSuccess: false, lastConfigTime: "2026-11-24T02:00:00Z" } },
      rules: {
        ok: true,
        value: [
          {
            name: "g",
            file: "r.yml",
            rules: [
              { name: "Bad", health: "err", lastError: "vector contains metrics with the same labelset" },
            ],
          },
        ],
      },
    }));
    expect(messages(o, "prometheus-config")).toEqual([
      "the last configuration reload failed (last good configuration from 2026-11-24T02:00:00Z)",
    ]);
    expect(messages(o, "prometheus-rules")).toEqual([
      "rule Bad in group g (r.yml) fails: vector contains metrics with the same labelset",
    ]);
  });

  test("targets: a missing job, a down target and a stale scrape each fail with the seed's hint", async () => {
    const o = await healthy((o) => ({
      ...o,
      targets: {
        ok: true,
        value: [
          target("worker", {
            health: "down",
            lastError: 'Get "http://10.0.0.1:8000/metrics": connection refused',
          }),
        ],
      },
    }));
    const findings = runChecks(o, e);
    expect(findings.filter((f) => f.rule.startsWith("targets-")).map((f) => f.message)).toEqual([
      "job overflying-api-staging has no target",
      'target overflying-worker-staging/worker-0 is down: Get "http://10.0.0.1:8000/metrics": connection refused',
    ]);
    expect(findings.find((f) => f.rule === "targets-up")?.hint).toContain("prometheus.io/scrape|port|path");
    const stale = await healthy((o) => ({
      ...o,
      targets: {
        ok: true,
        value: [target("api", { lastScrape: new Date(at - 45_000).toISOString() }), target("worker")],
      },
    }));
    expect(messages(stale, "targets-fresh")).toEqual([
      "target overflying-api-staging/api-0 was last scraped 45.0s ago (limit 30s, 2× the scrape interval)",
    ]);
  });

  test("metrics: a missing series and a wrong type name the job and the metric", async () => {
    const o = await healthy((o) => ({
      ...o,
      present:
        o.present.ok && o.present.resultType === "vector"
          ? {
              ...o.present,
              result: o.present.result.filter((s) => s.metric.__name__ !== "db_query_duration_seconds_sum"),
            }
          : o.present,
      metadata: {
        ok: true,
        value: [
          {
            target: { job: "overflying-worker-staging", pod: "worker-0" },
            metric: "process_resident_memory_bytes",
            type: "counter",
          },
        ],
      },
    }));
    expect(messages(o, "metrics-present")).toEqual([
      "overflying-api-staging: no series for db_query_duration_seconds_sum",
    ]);
    expect(messages(o, "metrics-type")).toEqual([
      "overflying-worker-staging/worker-0: process_resident_memory_bytes is exposed as counter, the catalog says gauge",
    ]);
  });

  test("GPU values: range, memory within total, NaN, sentinels, staleness and absence", async () => {
    let o = await healthy();
    o = withGpu(o, "overflying_worker_gpu_temperature_celsius", "0", "120");
    o = withGpu(o, "overflying_worker_gpu_memory_used_bytes", "0", String(81 * 1024 ** 3));
    o = withGpu(o, "overflying_worker_gpu_utilization", "0", "2147483634");
    o = withGpu(o, "overflying_worker_gpu_temperature_celsius", "1", "NaN");
    o = withGpu(o, "overflying_worker_gpu_utilization", "1", "40", 31);
    if (o.gpu.ok && o.gpu.resultType === "matrix") {
      const result = o.gpu.result.filter(
        (s) => s.metric.__name__ !== "overflying_worker_gpu_memory_used_bytes" || s.metric.gpu_id !== "1",
      );
      o = { ...o, gpu: { ...o.gpu, result } };
    }
    expect(messages(o).filter((m) => m.includes(" gpu "))).toEqual([
      "overflying-worker-staging/worker-0 gpu 0: overflying_worker_gpu_utilization reads 2147483634, a DCGM sentinel (field blank or not supported)",
      "overflying-worker-staging/worker-0 gpu 0: overflying_worker_gpu_memory_used_bytes is 86973087744 bytes, outside 0–85899345920 bytes",
      "overflying-worker-staging/worker-0 gpu 0: overflying_worker_gpu_temperature_celsius is 120 °C, outside 0–110 °C",
      "overflying-worker-staging/worker-0 gpu 1: overflying_worker_gpu_utilization is stale, last sample 31.0s ago (limit 30s)",
      "overflying-worker-staging/worker-0 gpu 1: overflying_worker_gpu_memory_used_bytes has no sample in the last 150s",
      "overflying-worker-staging/worker-0 gpu 1: overflying_worker_gpu_temperature_celsius is NaN",
    ]);
  });

  test("DCGM fields are checked when the environment declares dcgm-exporter", async () => {
    const withDcgm = defaultExpectations("staging", { gpusPerWorker: 1, dcgm: true });
    const o = await healthy((o) => ({
      ...o,
      dcgm: {
        ok: true,
        resultType: "matrix",
        result: [
          gpuSeries("DCGM_FI_DEV_GPU_UTIL", "0", "9223372036854775794", 5, "gpu"),
          gpuSeries("DCGM_FI_DEV_FB_USED", "0", "1024", 5, "gpu"),
        ],
      },
    }));
    expect(
      runChecks(o, withDcgm)
        .filter((f) => f.message.includes("DCGM_"))
        .map((f) => `${f.rule} ${f.message}`),
    ).toEqual([
      "gpu-values overflying-worker-staging/worker-0 gpu 0: DCGM_FI_DEV_GPU_UTIL reads 9223372036854775794, a DCGM sentinel (field blank or not supported)",
      "gpu-present overflying-worker-staging/worker-0 gpu 0: DCGM_FI_DEV_GPU_TEMP has no sample in the last 150s",
    ]);
  });

  test("isDcgmSentinel knows the int64, int32 and fp64 blanks and nothing below them", () => {
    expect(
      [Number(9223372036854775792n), 2 ** 63, 2147483632, 2147483635, 140737488355328].every(isDcgmSentinel),
    ).toBe(true);
    expect([0, 100, 2147483631, 110, 81 * 1024 ** 3].some(isDcgmSentinel)).toBe(false);
  });

  test("a direct scrape with bad text or a mistyped family fails", async () => {
    const o = await healthy((o) => {
      const [api, worker] = o.scrapes;
      if (!api?.response.ok || !worker) return o;
      const body = api.response.value.body.replace(
        "# TYPE overflying_jobs_total gauge",
        "# TYPE overflying_jobs_total counter",
      );
      return {
        ...o,
        scrapes: [
          { ...api, response: { ok: true, value: { ...api.response.value, body: `${body}broken{ 1\n` } } },
          { ...worker, response: { ok: false, error: "connect ECONNREFUSED 10.0.0.1:8000" } },
        ],
      };
    });
    expect(messages(o, "scrape-format")).toEqual([
      expect.stringMatching(/^overflying-api-staging\/api-0 \/metrics line \d+: label without a value$/),
      "overflying-worker-staging/worker-0 /metrics could not be read: connect ECONNREFUSED 10.0.0.1:8000",
    ]);
    expect(messages(o, "scrape-families")).toEqual([
      "overflying-api-staging/api-0 /metrics: overflying_jobs_total has TYPE counter, the catalog says gauge",
    ]);
  });

  test("a failing example query names the query", async () => {
    const o = await healthy((o) => ({
      ...o,
      examples: [{ expr: "rate(x[5m]", error: "bad_data: unclosed left parenthesis" }],
    }));
    expect(messages(o, "example-queries")).toEqual([
      "query rate(x[5m] fails: bad_data: unclosed left parenthesis",
    ]);
  });

  test("Grafana: a failing database is unhealthy", async () => {
    const o = await healthy((o) => ({
      ...o,
      grafana: {
        health: { ok: true, value: { status: 503, database: "failing" } },
        datasource: { ok: true, value: { status: 200, state: "OK" } },
        dashboards: [],
        data: { ok: true, value: [] },
      },
    }));
    expect(messages(o, "grafana-health")).toEqual([
      'Grafana /api/health answered HTTP 503, database "failing"',
    ]);
  });
});

describe("the guide's example queries", () => {
  test("parse, and select only catalog series (the worker bucket with its unit)", () => {
    for (const expr of exampleQueries) {
      const analysis = analyzePromql(expr);
      expect(analysis.syntaxErrorAt).toBeUndefined();
      for (const s of analysis.selectors) expect(resolveSeries(s.name)).toBeDefined();
    }
    expect(exampleQueries[2]).toContain("overflying_worker_job_execution_time_seconds_bucket");
  });
});

describe("alternation", () => {
  test("quotes regex and string specials so the selector still parses", () => {
    const literal = alternation(["overflying-api-staging", 'a.b"c\\d']);
    expect(literal).toBe('overflying-api-staging|a\\\\.b\\"c\\\\\\\\d');
    expect(analyzePromql(`up{job=~"${literal}"}`).syntaxErrorAt).toBeUndefined();
  });
});

describe("substituteVariables", () => {
  test("the environment variable becomes the environment; others match anything; $__ stays", () => {
    expect(
      substituteVariables(`rate(x{environment="$environment",pod=~"\${pod}"}[$__rate_interval])`, "staging"),
    ).toBe('rate(x{environment="staging",pod=~".*"}[$__rate_interval])');
  });
});
