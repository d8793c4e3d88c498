import { type RunningExporter, startExporter } from "../exporter/exporter.ts";
import { ScrapedService } from "../smoke/expectations.ts";
import { type LocalPrometheus, startPrometheus } from "./local-prometheus.ts";

export interface DemoStack {
  readonly prometheus: LocalPrometheus;
  /** Keyed `<service>-<environment>`, e.g. `worker-staging`. */
  readonly exporters: ReadonlyMap<string, RunningExporter>;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /** One api and one worker exporter each. */
  readonly environments: readonly string[];
  readonly gpus?: number;
  readonly intervalSeconds?: number;
  /** Workers also expose dcgm-exporter's DCGM_FI_DEV_* fields. */
  readonly dcgm?: boolean;
}

/** A real Prometheus scraping one reference exporter per service and environment. */
export async function startDemoStack(options: DemoOptions): Promise<DemoStack> {
  const { environments } = options;
  const exporters = new Map<string, RunningExporter>();
  const stopExporters = () => Promise.all([...exporters.values()].map((e) => e.stop()));
  try {
    for (const environment of environments) {
      for (const role of Object.values(ScrapedService)) {
        exporters.set(
          `${role}-${environment}`,
          await startExporter({ role, environment, gpus: options.gpus ?? 2, dcgm: options.dcgm ?? false }),
        );
      }
    }
    const targets = [...exporters].map(([key, e]) => {
      const [service = "", environment = ""] = key.split("-");
      return { address: e.address, service, environment, pod: e.pod };
    });
    const prometheus = await startPrometheus(targets, options.intervalSeconds ?? 1);
    return {
      prometheus,
      exporters,
      async stop() {
        await Promise.all([prometheus.stop(), stopExporters()]);
      },
    };
  } catch (e) {
    await stopExporters();
    throw e;
  }
}
