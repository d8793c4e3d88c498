import { metricsEmittedBy } from "../core/catalog/metrics.ts";
import { Duration } from "../core/duration.ts";
import { Simulation } from "../exporter/simulation.ts";
import { seriesNamesOf } from "../smoke/checks/metrics.ts";
import { defaultExpectations } from "../smoke/expectations.ts";
import type { Observation } from "../smoke/observe.ts";
import type { ActiveTarget, MatrixSeries, PodScraper, PrometheusApi } from "../smoke/sources.ts";

/** Observations of a staging environment (api-0 and worker-0 with 2 GPUs) for check and poller tests. */
export const fixtureTime = Date.parse("2026-11-24T03:00:00Z");
export const fixtureExpectations = defaultExpectations("staging", {
  scrapeInterval: Duration.ofSeconds(15),
  gpusPerWorker: 2,
});

export function target(service: "api" | "worker", overrides: Partial<ActiveTarget> = {}): ActiveTarget {
  return {
    labels: {
      job: `overflying-${service}-staging`,
      pod: `${service}-0`,
      namespace: "staging",
      instance: "10.0.0.1:8000",
    },
    scrapeUrl: "http://10.0.0.1:8000/metrics",
    health: "up",
    lastError: "",
    lastScrape: new Date(fixtureTime - 5_000).toISOString(),
    ...overrides,
  };
}

async function exposition(role: "api" | "worker"): Promise<string> {
  const sim = new Simulation({ role, gpus: 2, gpuMemoryBytes: 80 * 1024 ** 3, dcgm: false, seed: 1 });
  return sim.scrape(new Set()).metrics();
}

export function gpuSeries(
  name: string,
  gpu: string,
  value: string,
  ageSeconds = 5,
  label = "gpu_id",
): MatrixSeries {
  return {
    metric: { __name__: name, [label]: gpu, pod: "worker-0" },
    values: [[(fixtureTime - ageSeconds * 1000) / 1000, value]],
  };
}

const gpuValues = {
  overflying_worker_gpu_utilization: "50",
  overflying_worker_gpu_memory_used_bytes: "1000000000",
  overflying_worker_gpu_temperature_celsius: "60",
};

/** An observation of a healthy staging environment; `change` edits it for one case. */
export async function healthyObservation(
  change: (o: Observation) => Observation = (o) => o,
): Promise<Observation> {
  const targets = [target("api"), target("worker")];
  const present = fixtureExpectations.jobs.flatMap(({ job, service }) =>
    metricsEmittedBy(service).flatMap((m) =>
      seriesNamesOf(m).map((name) => ({
        metric: { __name__: name, job },
        value: [fixtureTime / 1000, "1"] as const,
      })),
    ),
  );
  return change({
    at: fixtureTime,
    ready: { ready: true, detail: "" },
    runtime: { ok: true, value: { reloadConfigSuccess: true, lastConfigTime: "2026-11-24T02:00:00Z" } },
    rules: {
      ok: true,
      value: [{ name: "overflying", file: "rules.yml", rules: [{ name: "Up", health: "ok" }] }],
    },
    targets: { ok: true, value: targets },
    metadata: {
      ok: true,
      value: [
        {
          target: { job: "overflying-worker-staging", pod: "worker-0" },
          metric: "process_resident_memory_bytes",
          type: "gauge",
        },
      ],
    },
    present: { ok: true, resultType: "vector", result: present },
    gpu: {
      ok: true,
      resultType: "matrix",
      result: ["0", "1"].flatMap((gpu) =>
        Object.entries(gpuValues).map(([name, v]) => gpuSeries(name, gpu, v)),
      ),
    },
    examples: [{ expr: "rate(http_server_requests_total[5m])" }],
    scrapes: [
      {
        target: targets[0] as ActiveTarget,
        response: {
          ok: true,
          value: { status: 200, contentType: "text/plain; version=0.0.4", body: await exposition("api") },
        },
      },
      {
        target: targets[1] as ActiveTarget,
        response: {
          ok: true,
          value: { status: 200, contentType: "text/plain; version=0.0.4", body: await exposition("worker") },
        },
      },
    ],
  });
}

/** A Prometheus double that answers from an observation, not ready for the first `notReadyFor` calls. */
export function prometheusFrom(o: Observation, notReadyFor = 0): PrometheusApi & { calls: number } {
  const unwrap = <T>(a: { ok: true; value: T } | { ok: false; error: string }): T => {
    if (!a.ok) throw new Error(a.error);
    return a.value;
  };
  const api = {
    calls: 0,
    async ready() {
      api.calls++;
      return api.calls > notReadyFor ? { ready: true, detail: "" } : { ready: false, detail: "HTTP 503" };
    },
    runtimeInfo: async () => unwrap(o.runtime),
    rules: async () => unwrap(o.rules),
    targets: async () => unwrap(o.targets),
    targetMetadata: async () => unwrap(o.metadata),
    query: async (expr: string) =>
      expr.startsWith("group by")
        ? o.present
        : expr.startsWith("{")
          ? o.gpu
          : { ok: true as const, resultType: "vector" as const, result: [] },
  };
  return api;
}

export function scraperFrom(o: Observation): PodScraper {
  return {
    async scrape(t) {
      const found = o.scrapes.find((s) => s.target.labels.pod === t.labels.pod)?.response;
      if (!found?.ok) throw new Error(found?.error ?? "no such pod");
      return found.value;
    },
  };
}
