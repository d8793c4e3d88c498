import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, stopProcess } from "./processes.ts";

/** Debian names the binary prometheus-alertmanager; upstream builds call it alertmanager. */
export function alertmanagerBinary(): string {
  const found = Bun.which("prometheus-alertmanager") ?? Bun.which("alertmanager");
  if (!found) {
    throw new Error(
      "alertmanager is not installed: run `bash .ci/setup` or `apt-get install -y --no-install-recommends prometheus-alertmanager`",
    );
  }
  return found;
}

export interface AlertmanagerOptions {
  readonly webhookUrl: string;
  readonly token: string;
}

export interface PostedAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt: string;
  readonly endsAt?: string;
}

/** A real Alertmanager on loopback, unclustered, with tiny group timings so tests are fast. */
export class Alertmanager {
  private child: Subprocess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), "flyby-am-"));
  readonly port = freePort();

  constructor(private readonly o: AlertmanagerOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const config = join(this.dir, "alertmanager.yml");
    writeFileSync(
      config,
      `route:
  receiver: flyby
  group_by: [alertname]
  group_wait: 200ms
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: flyby
    webhook_configs:
      - url: ${JSON.stringify(this.o.webhookUrl)}
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: ${JSON.stringify(this.o.token)}
`,
    );
    this.child = Bun.spawn(
      [
        alertmanagerBinary(),
        `--config.file=${config}`,
        `--storage.path=${join(this.dir, "data")}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        "--cluster.listen-address=",
        "--log.level=warn",
      ],
      { stdin: "ignore", stdout: "ignore", stderr: "pipe" },
    );
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const ready = await fetch(`${this.url}/-/ready`).catch(() => undefined);
      if (ready?.ok) return this;
      if (this.child.exitCode !== null) break;
      await Bun.sleep(100);
    }
    const stderr =
      this.child.stderr instanceof ReadableStream ? await new Response(this.child.stderr).text() : "";
    await this.stop();
    throw new Error(`alertmanager did not become ready: ${stderr}`);
  }

  async post(alerts: readonly PostedAlert[]): Promise<void> {
    const res = await fetch(`${this.url}/api/v2/alerts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(alerts.map((a) => ({ generatorURL: "http://prometheus.local/graph", ...a }))),
    });
    if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
  }

  async stop(): Promise<void> {
    await stopProcess(this.child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls `check` until it returns true, failing with `what` after `timeoutMs`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await Bun.sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
