import { afterAll, describe, expect, test } from "bun:test";
import { metricsEmittedBy } from "../core/catalog/metrics.ts";
import { formatOf, parseExposition } from "../smoke/exposition.ts";
import { type RunningExporter, startExporter } from "./exporter.ts";

const started: RunningExporter[] = [];
afterAll(() => Promise.all(started.map((e) => e.stop())));

async function scrape(e: RunningExporter) {
  const r = await fetch(e.url);
  return parseExposition(await r.text(), formatOf(r.headers.get("content-type")));
}

describe("reference exporter", () => {
  test("serves the whole catalog for each role, valid and strict, with real buckets", async () => {
    for (const role of ["api", "worker"] as const) {
      const e = await startExporter({ role, environment: "staging", gpus: 2 });
      started.push(e);
      const parsed = await scrape(e);
      expect(parsed.findings).toEqual([]);
      expect([...parsed.families.keys()].sort()).toEqual(metricsEmittedBy(role).sort());
      for (const f of parsed.families.values()) expect(f.samples.length).toBeGreaterThan(0);
    }
    const api = await scrape(started[0] as RunningExporter);
    const buckets = api.families
      .get("http_server_request_duration_seconds")
      ?.samples.filter((s) => s.name.endsWith("_bucket"));
    expect(new Set(buckets?.map((b) => b.value)).size).toBeGreaterThan(2);
  });

  test("counters increase between scrapes; worker GPUs are numbered 0..N-1", async () => {
    const e = await startExporter({ role: "worker", environment: "production", gpus: 3, dcgm: true });
    started.push(e);
    const total = async () =>
      (await scrape(e)).families.get("overflying_worker_poll_cycles_total")?.samples[0]?.value ?? 0;
    const first = await total();
    expect(await total()).toBeGreaterThan(first);
    const parsed = await scrape(e);
    expect(
      parsed.families.get("overflying_worker_gpu_utilization")?.samples.map((s) => s.labels.gpu_id),
    ).toEqual(["0", "1", "2"]);
    expect(parsed.families.get("DCGM_FI_DEV_GPU_TEMP")?.samples).toHaveLength(3);
    expect(e.pod).toBe(`overflying-worker-production-${e.port}`);
  });

  test("faults change the next scrape", async () => {
    const e = await startExporter({
      role: "worker",
      environment: "staging",
      gpus: 1,
      faults: ["no-gpu-metrics"],
    });
    started.push(e);
    expect((await scrape(e)).families.has("overflying_worker_gpu_utilization")).toBe(false);
    e.setFaults(["nan-temperature", "dcgm-sentinel", "wrong-type"]);
    const faulty = await scrape(e);
    expect(faulty.families.get("overflying_worker_gpu_temperature_celsius")?.samples[0]?.value).toBeNaN();
    expect(faulty.families.get("overflying_worker_gpu_utilization")?.samples[0]?.value).toBe(2 ** 63);
    expect(faulty.families.get("process_resident_memory_bytes")?.type).toBe("counter");
    e.setFaults(["stale-series"]);
    const stale = await scrape(e);
    expect(stale.families.get("overflying_worker_gpu_utilization")?.samples).toEqual([]);
    expect(stale.families.get("overflying_worker_gpu_utilization")?.type).toBe("gauge");
    expect((await fetch(e.url.replace("/metrics", "/"))).status).toBe(404);
  });
});
