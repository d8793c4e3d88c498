import { Counter, Gauge, Histogram, type Metric, Registry } from "prom-client";
import {
  type MetricDefinition,
  type MetricName,
  metrics,
  metricsEmittedBy,
} from "../core/catalog/metrics.ts";

export const Role = { Api: "api", Worker: "worker" } as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Faults the reference exporter can switch on, each the shape of a real failure. */
export const Fault = {
  /** The worker exposes no GPU family at all (no GPU collector). */
  NoGpuMetrics: "no-gpu-metrics",
  /** Every GPU temperature reads NaN. */
  NanTemperature: "nan-temperature",
  /** Every GPU reads 95 °C, above the 90 °C the GpuOverheating alert fires at. */
  Overheating: "gpu-overheating",
  /** The GPU families stay declared but their series stop: Prometheus marks them stale. */
  StaleSeries: "stale-series",
  /** process_resident_memory_bytes is exposed as a counter instead of a gauge. */
  WrongType: "wrong-type",
  /** GPU utilization reads DCGM's "not supported" sentinel. */
  DcgmSentinel: "dcgm-sentinel",
} as const;
export type Fault = (typeof Fault)[keyof typeof Fault];

/**
 * DCGM_INT64_NOT_SUPPORTED, what dcgm-exporter reports for a field the GPU does not
 * support; as a float64 (how prom-client and Prometheus hold it) it is 2^63.
 */
export const dcgmNotSupported = Number(9223372036854775794n);

export const gpuMetrics = [
  "overflying_worker_gpu_utilization",
  "overflying_worker_gpu_memory_used_bytes",
  "overflying_worker_gpu_temperature_celsius",
] as const satisfies readonly MetricName[];

export const dcgmFields = {
  DCGM_FI_DEV_GPU_UTIL: "GPU utilization (in %).",
  DCGM_FI_DEV_FB_USED: "Framebuffer memory used (in MiB).",
  DCGM_FI_DEV_GPU_TEMP: "GPU temperature (in C).",
} as const;

/** Label values the simulation cycles through, so every labelled family has series. */
const labelValues: Record<string, readonly string[]> = {
  method: ["GET", "POST"],
  route: ["/jobs", "/jobs/:id"],
  status: ["200", "500"],
  priority: ["1", "5"],
  submitted_by: ["user", "scheduler"],
  event_type: ["job.created", "job.completed"],
  state: ["idle", "used"],
  operation: ["select", "insert"],
  job_name: ["render", "transcode"],
  error_type: ["timeout"],
  jobs_found: ["true", "false"],
};

function combinations(labels: readonly string[]): Record<string, string>[] {
  let out: Record<string, string>[] = [{}];
  for (const label of labels) {
    const values = labelValues[label] ?? ["default"];
    out = out.flatMap((partial) => values.map((v) => ({ ...partial, [label]: v })));
  }
  return out;
}

/** A small deterministic generator: the same options give the same series. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export interface SimulationOptions {
  readonly role: Role;
  readonly gpus: number;
  readonly gpuMemoryBytes: number;
  readonly dcgm: boolean;
  readonly seed: number;
}

/**
 * The catalog's metrics for one role, kept in prom-client instruments. Each scrape
 * advances it: counters grow, histograms observe, gauges move. Faults only change what
 * the next exposition contains.
 */
export class Simulation {
  private readonly instruments = new Map<string, Metric>();
  private readonly mistyped: Counter;
  private readonly declaredOnly: Gauge[];
  private readonly next: () => number;
  private readonly names: readonly MetricName[];

  constructor(private readonly options: SimulationOptions) {
    this.next = random(options.seed);
    this.names = metricsEmittedBy(options.role);
    for (const name of this.names) {
      const def: MetricDefinition = metrics[name];
      const config = { name, help: def.help, labelNames: [...def.labels], registers: [] };
      if (def.type === "counter") this.instruments.set(name, new Counter(config));
      else if (def.type === "gauge") this.instruments.set(name, new Gauge(config));
      else this.instruments.set(name, new Histogram({ ...config, buckets: [...(def.buckets ?? [])] }));
    }
    if (options.role === Role.Worker && options.dcgm) {
      for (const [name, help] of Object.entries(dcgmFields)) {
        this.instruments.set(name, new Gauge({ name, help, labelNames: ["gpu", "UUID"], registers: [] }));
      }
    }
    this.mistyped = new Counter({
      name: "process_resident_memory_bytes",
      help: metrics.process_resident_memory_bytes.help,
      registers: [],
    });
    this.declaredOnly = [...this.gpuFamilies()].map(
      (name) => new Gauge({ name, help: this.help(name), labelNames: ["gpu_id"], registers: [] }),
    );
  }

  private help(name: string): string {
    return Object.hasOwn(dcgmFields, name)
      ? dcgmFields[name as keyof typeof dcgmFields]
      : metrics[name as MetricName].help;
  }

  private *gpuFamilies(): Iterable<string> {
    if (this.options.role !== Role.Worker) return;
    yield* gpuMetrics;
    if (this.options.dcgm) yield* Object.keys(dcgmFields);
  }

  private advance(faults: ReadonlySet<Fault>): void {
    const r = this.next;
    for (const name of this.names) {
      if ((gpuMetrics as readonly string[]).includes(name)) continue;
      const def: MetricDefinition = metrics[name];
      const instrument = this.instruments.get(name);
      for (const labels of combinations(def.labels)) {
        if (instrument instanceof Counter) instrument.inc(labels, 1 + Math.floor(r() * 5));
        else if (instrument instanceof Histogram) {
          const top = def.buckets?.at(-1) ?? 1;
          for (let i = 0; i < 3; i++) instrument.observe(labels, r() * r() * top * 1.2);
        } else if (instrument instanceof Gauge) instrument.set(labels, this.gaugeValue(name, r));
      }
    }
    this.mistyped.inc(1 + Math.floor(r() * 1000));
    this.advanceGpus(faults, r);
  }

  private gaugeValue(name: MetricName, r: () => number): number {
    if (name === "process_resident_memory_bytes") return 200_000_000 + Math.floor(r() * 50_000_000);
    if (name === "system_cpu_utilization") return r();
    return Math.floor(r() * 20);
  }

  private advanceGpus(faults: ReadonlySet<Fault>, r: () => number): void {
    const set = (name: string, labels: Record<string, string>, value: number) =>
      (this.instruments.get(name) as Gauge | undefined)?.set(labels, value);
    const mib = 1024 * 1024;
    for (let gpu = 0; gpu < this.options.gpus; gpu++) {
      const utilization = faults.has(Fault.DcgmSentinel) ? dcgmNotSupported : Math.round(r() * 100);
      const memory = Math.floor(r() * 0.9 * this.options.gpuMemoryBytes);
      const normal = 35 + Math.round(r() * 45);
      const temperature = faults.has(Fault.NanTemperature)
        ? Number.NaN
        : faults.has(Fault.Overheating)
          ? 95
          : normal;
      const id = { gpu_id: String(gpu) };
      set("overflying_worker_gpu_utilization", id, utilization);
      set("overflying_worker_gpu_memory_used_bytes", id, memory);
      set("overflying_worker_gpu_temperature_celsius", id, temperature);
      const dcgm = { gpu: String(gpu), UUID: `GPU-00000000-0000-0000-0000-00000000000${gpu}` };
      set("DCGM_FI_DEV_GPU_UTIL", dcgm, utilization);
      set("DCGM_FI_DEV_FB_USED", dcgm, Math.floor(memory / mib));
      set("DCGM_FI_DEV_GPU_TEMP", dcgm, temperature);
    }
  }

  /** Advances the simulation and returns the registry to expose for this scrape. */
  scrape(faults: ReadonlySet<Fault>): Registry {
    this.advance(faults);
    const registry = new Registry();
    const gpu = new Set(this.gpuFamilies());
    for (const [name, instrument] of this.instruments) {
      if (gpu.has(name) && (faults.has(Fault.NoGpuMetrics) || faults.has(Fault.StaleSeries))) continue;
      if (name === "process_resident_memory_bytes" && faults.has(Fault.WrongType)) {
        registry.registerMetric(this.mistyped);
        continue;
      }
      registry.registerMetric(instrument);
    }
    if (faults.has(Fault.StaleSeries) && !faults.has(Fault.NoGpuMetrics)) {
      for (const g of this.declaredOnly) registry.registerMetric(g);
    }
    return registry;
  }
}
