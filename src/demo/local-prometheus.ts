import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EnvironmentError } from "../core/errors.ts";

export const installPrometheusHint =
  "prometheus is not installed: run `sudo apt-get install -y --no-install-recommends prometheus` (or `bash .ci/setup`)";

/** A scrape target and the labels the cluster's scrape config would give it. */
export interface LocalTarget {
  /** `host:port` */
  readonly address: string;
  readonly service: string;
  readonly environment: string;
  readonly pod: string;
}

export interface LocalPrometheus {
  readonly url: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const probe = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * The scrape config: static targets carry the pod's labels, and relabelling builds the
 * job as `overflying-<service>-<environment>`, as the cluster's pod discovery does.
 */
export function scrapeConfig(targets: readonly LocalTarget[], intervalSeconds: number): string {
  const interval = `${intervalSeconds}s`;
  return JSON.stringify(
    {
      global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
      scrape_configs: [
        {
          job_name: "overflying",
          static_configs: targets.map((t) => ({
            targets: [t.address],
            labels: { service: t.service, environment: t.environment, namespace: t.environment, pod: t.pod },
          })),
          relabel_configs: [
            {
              source_labels: ["service", "environment"],
              regex: "(.+);(.+)",
              target_label: "job",
              replacement: "overflying-$1-$2",
            },
          ],
        },
      ],
    },
    null,
    2,
  );
}

/**
 * Starts the real Debian `prometheus` on 127.0.0.1 with a temporary config and TSDB.
 * Always call stop(): it ends the process and removes the directory.
 */
export async function startPrometheus(
  targets: readonly LocalTarget[],
  intervalSeconds = 1,
): Promise<LocalPrometheus> {
  const binary = Bun.which("prometheus");
  if (!binary) throw new EnvironmentError(installPrometheusHint);
  const dir = await mkdtemp(join(tmpdir(), "flyby-prometheus-"));
  const config = join(dir, "prometheus.yml");
  await writeFile(config, scrapeConfig(targets, intervalSeconds));
  const port = await freePort();
  const proc = Bun.spawn(
    [
      binary,
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdout: "ignore", stderr: "pipe" },
  );
  const log = new Response(proc.stderr).text();
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) break;
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { url, stop };
    await Bun.sleep(50);
  }
  await stop();
  throw new EnvironmentError(`prometheus did not become ready on ${url}:\n${(await log).slice(-2000)}`);
}
