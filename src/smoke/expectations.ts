import { Duration } from "../core/duration.ts";
import type { RenderResult } from "../core/render/render.ts";

/** The services whose pods Prometheus scrapes and the smoke checks look at. */
export const ScrapedService = { Api: "api", Worker: "worker" } as const;
export type ScrapedService = (typeof ScrapedService)[keyof typeof ScrapedService];

export interface ExpectedJob {
  /** The Prometheus job label, `overflying-<service>-<environment>` in the seed. */
  readonly job: string;
  readonly service: ScrapedService;
}

export interface GrafanaExpectations {
  /** The uid of the Prometheus datasource Grafana provisions. */
  readonly datasourceUid: string;
  /** Dashboards that must exist and show data. */
  readonly dashboardUids: readonly string[];
}

/**
 * What a healthy environment looks like to the smoke checks. The CLI builds it from the
 * seed's defaults; a caller may build it from the rendered environment values instead.
 */
export interface SmokeExpectations {
  readonly environment: string;
  readonly jobs: readonly ExpectedJob[];
  readonly scrapeInterval: Duration;
  /** Simulated or real GPUs per worker pod; gpu_id runs from 0 to gpus-1. */
  readonly gpusPerWorker: number;
  /** Framebuffer size of one GPU: memory used must stay within it. */
  readonly gpuMemoryBytes: number;
  /** When dcgm-exporter exposes the worker GPUs, its DCGM_FI_DEV_* fields are checked too. */
  readonly dcgm: boolean;
  readonly grafana: GrafanaExpectations;
}

const gib = 1024 ** 3;

export type ExpectationOverrides = Partial<Omit<SmokeExpectations, "environment" | "jobs">>;

/** The seed's defaults: both services, a 15 s scrape interval, one 80 GiB GPU per worker. */
export function defaultExpectations(
  environment: string,
  overrides: ExpectationOverrides = {},
): SmokeExpectations {
  return {
    environment,
    jobs: Object.values(ScrapedService).map((service) => ({
      job: `overflying-${service}-${environment}`,
      service,
    })),
    scrapeInterval: Duration.ofSeconds(15),
    gpusPerWorker: 1,
    gpuMemoryBytes: 80 * gib,
    dcgm: false,
    grafana: { datasourceUid: "prometheus", dashboardUids: ["overflying-api", "overflying-worker"] },
    ...overrides,
  };
}

export function jobsOf(expectations: SmokeExpectations, service: ScrapedService): string[] {
  return expectations.jobs.filter((j) => j.service === service).map((j) => j.job);
}

/**
 * What an environment's own manifests promise: its scrape interval, the GPUs each worker
 * requests (count, memory, dcgm-exporter) and the dashboards Grafana provisions.
 */
export function expectationsFromRender(
  rendered: RenderResult,
  dashboardUids: readonly string[],
  overrides: ExpectationOverrides = {},
): SmokeExpectations {
  const gpu = rendered.values.worker.gpu;
  return defaultExpectations(rendered.environment.name, {
    scrapeInterval: Duration.parse(rendered.values.scrapeInterval),
    gpusPerWorker: gpu.count,
    gpuMemoryBytes: gpu.memoryGiB * gib,
    dcgm: gpu.dcgmExporter,
    grafana: { datasourceUid: "prometheus", dashboardUids },
    ...overrides,
  });
}
