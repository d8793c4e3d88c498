import { Fault, Role, Simulation } from "./simulation.ts";

export { Fault, Role };

export interface ExporterOptions {
  readonly role: Role;
  readonly environment: string;
  /** Simulated GPUs on a worker (gpu_id 0..gpus-1); ignored for the API. Default 1. */
  readonly gpus?: number;
  /** Loopback address to listen on, e.g. a pod IP such as 127.0.0.2. Default 127.0.0.1. */
  readonly hostname?: string;
  /** Port; 0 or absent picks a free one. */
  readonly port?: number;
  readonly faults?: readonly Fault[];
  /** Also expose dcgm-exporter's DCGM_FI_DEV_* fields for the GPUs (worker only). */
  readonly dcgm?: boolean;
  /** Framebuffer size of one simulated GPU. Default 80 GiB. */
  readonly gpuMemoryBytes?: number;
}

export interface RunningExporter {
  /** The scrape URL, `http://<hostname>:<port>/metrics`. */
  readonly url: string;
  readonly port: number;
  /** `host:port`, as a Prometheus static_configs target. */
  readonly address: string;
  /** A pod-like name for the target labels: `overflying-<role>-<environment>-<port>`. */
  readonly pod: string;
  /** Replaces the active faults; the next scrape shows them. */
  setFaults(faults: readonly Fault[]): void;
  /** How many times /metrics was served. */
  scrapes(): number;
  stop(): Promise<void>;
}

/**
 * The reference exporter: serves the whole metric catalog for one role on /metrics in
 * the Prometheus text format, through prom-client. Every scrape advances the simulation
 * (counters increase, histograms observe into their catalog buckets, GPU gauges move).
 *
 * ```ts
 * const exporter = await startExporter({ role: "worker", environment: "staging", gpus: 2 });
 * exporter.setFaults(["nan-temperature"]); // next scrape reads NaN
 * await exporter.stop();
 * ```
 */
export async function startExporter(options: ExporterOptions): Promise<RunningExporter> {
  const simulation = new Simulation({
    role: options.role,
    gpus: options.role === Role.Worker ? (options.gpus ?? 1) : 0,
    gpuMemoryBytes: options.gpuMemoryBytes ?? 80 * 1024 ** 3,
    dcgm: options.dcgm ?? false,
    seed: [...`${options.role}/${options.environment}`].reduce((h, c) => h * 31 + c.charCodeAt(0), 7),
  });
  let faults = new Set<Fault>(options.faults ?? []);
  let scrapes = 0;
  const hostname = options.hostname ?? "127.0.0.1";
  const server = Bun.serve({
    hostname,
    port: options.port ?? 0,
    async fetch(request) {
      if (new URL(request.url).pathname !== "/metrics") return new Response("not found\n", { status: 404 });
      const registry = simulation.scrape(faults);
      scrapes++;
      return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
    },
  });
  const port = server.port as number;
  return {
    url: `http://${hostname}:${port}/metrics`,
    port,
    address: `${hostname}:${port}`,
    pod: `overflying-${options.role}-${options.environment}-${port}`,
    setFaults(next) {
      faults = new Set(next);
    },
    scrapes: () => scrapes,
    async stop() {
      await server.stop(true);
    },
  };
}
