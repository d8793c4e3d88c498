import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import autocannon, { type Result } from "autocannon";
import { alert, notification } from "../testing/receiver/notifications.ts";
import { stopProcess, waitForLine } from "../testing/receiver/processes.ts";

const modes = ["bare", "memory", "sqlite"] as const;
const token = "bench-token-0123456789abcdef";
type Mode = (typeof modes)[number];

/** A 10-alert notification, new each time so every request passes dedup as a first delivery. */
function payload(i: number): string {
  const alerts = Array.from({ length: 10 }, (_, a) =>
    alert({
      fingerprint: `${i.toString(16)}-${a}`,
      labels: {
        alertname: "BenchAlert",
        env: "production",
        severity: "warning",
        team: "api",
        instance: `i-${a}`,
      },
    }),
  );
  return JSON.stringify(notification({ groupKey: `bench-${i}`, alerts }));
}

/**
 * autocannon only notices the count cap at its next one-second tick, so its duration can
 * overstate a fast run; the elapsed time here ends at the last response instead.
 */
function load(
  port: number,
  seconds: number,
  maxRequests: number,
  connections: number,
): Promise<{ result: Result; elapsedSeconds: number }> {
  let i = 0;
  const started = performance.now();
  let lastResponse = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${port}/alertmanager`,
        connections,
        amount: maxRequests,
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        requests: [{ setupRequest: (r) => ({ ...r, body: payload(i++) }) }],
      },
      (error, result) =>
        error ? reject(error) : resolve({ result, elapsedSeconds: (lastResponse - started) / 1000 }),
    );
    instance.on("response", () => {
      lastResponse = performance.now();
    });
    setTimeout(() => instance.stop(), seconds * 1000);
  });
}

async function measure(mode: Mode, seconds: number, maxRequests: number, connections: number) {
  const scratch = mkdtempSync(join(tmpdir(), "flyby-bench-"));
  const child = Bun.spawn(
    [process.execPath, new URL("./receiver-target.ts", import.meta.url).pathname, mode, token, scratch],
    {
      stdin: "ignore",
      stdout: "pipe",
      stderr: "pipe",
    },
  );
  try {
    const [, port] = await waitForLine(child, /listening (\d+)/);
    await load(Number(port), 1, 5_000, connections);
    const { result: r, elapsedSeconds } = await load(Number(port), seconds, maxRequests, connections);
    const ok = r["2xx"];
    return {
      mode,
      perSecond: ok / elapsedSeconds,
      p99: r.latency.p99,
      ok,
      failed: r.non2xx + r.errors + r.timeouts,
    };
  } finally {
    await stopProcess(child);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * `bun run bench receiver [--seconds S] [--max-requests N] [--connections C]`: notifications/s
 * and p99 through the receiver with memory and SQLite stores, against a bare Bun.serve
 * answering 200 to the same payloads.
 */
export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string", default: "5" },
      "max-requests": { type: "string", default: "100000" },
      connections: { type: "string", default: "10" },
    },
  });
  const seconds = Math.min(30, Number(values.seconds));
  const maxRequests = Math.min(500_000, Number(values["max-requests"]));
  const connections = Number(values.connections);
  console.log(
    `receiver bench: 10-alert notifications, ${connections} connections, up to ${seconds} s or ${maxRequests} requests per run`,
  );
  const results = [];
  for (const mode of modes) results.push(await measure(mode, seconds, maxRequests, connections));
  const bare = results[0] as (typeof results)[number];
  console.log("mode     notifications/s   p99 ms   ratio to bare   2xx       failed");
  for (const r of results) {
    console.log(
      `${r.mode.padEnd(8)} ${r.perSecond.toFixed(0).padStart(15)}   ${String(r.p99).padStart(6)}   ${(r.perSecond / bare.perSecond).toFixed(2).padStart(13)}   ${String(r.ok).padEnd(9)} ${r.failed}`,
    );
  }
}
