import { afterAll } from "bun:test";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare, type MiniflareOptions } from "miniflare";
import { conformanceSuite, type ReceiverLaunch } from "../testing/receiver/conformance.ts";
import { stopProcess, waitForLine } from "../testing/receiver/processes.ts";
import { buildEdgeBundle } from "./build.ts";

const root = resolve(import.meta.dir, "../..");
const dir = mkdtempSync(join(tmpdir(), "flyby-runtimes-"));
afterAll(() => removeUntilGone(dir));

/**
 * Miniflare's dispose starts removing its storage folder without waiting for it, so a removal
 * of ours can race with it and leave the folder behind: remove again until it is really gone.
 */
async function removeUntilGone(path: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await rm(path, { recursive: true, force: true }).catch(() => undefined);
    if (!existsSync(path)) return;
    await Bun.sleep(100);
  }
  throw new Error(`${path} could not be removed within 10 s`);
}

conformanceSuite("bun", async (launch) => {
  const child = Bun.spawn(
    [
      process.execPath,
      "src/cli/main.ts",
      "receiver",
      "serve",
      "--port",
      "0",
      "--host",
      "127.0.0.1",
      "--store",
      `sqlite:${join(dir, "bun.db")}`,
    ],
    { cwd: root, env: { ...process.env, ...launch }, stdin: "ignore", stdout: "pipe", stderr: "pipe" },
  );
  const [, url] = await waitForLine(child, /listening on (http:\/\/\S+)/);
  return { url: url as string, stop: () => stopProcess(child) };
});

conformanceSuite(
  "deno",
  async (launch) => {
    const deno = join(root, "node_modules/.bin/deno");
    if (!existsSync(deno))
      throw new Error("deno is missing: run `npm ci` (the deno package ships the binary)");
    const bundle = join(dir, "deno.js");
    writeFileSync(bundle, await buildEdgeBundle("deno"));
    const child = Bun.spawn(
      [
        deno,
        "run",
        "--quiet",
        "--unstable-kv",
        "--unstable-cron",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        "--allow-write",
        bundle,
      ],
      {
        cwd: dir,
        env: {
          ...process.env,
          ...launch,
          PORT: "0",
          HOST: "127.0.0.1",
          FLYBY_RECEIVER_KV_PATH: join(dir, "deno.kv"),
        },
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    // The adapter says which schedule runs the dead man's switch: Deno.cron, every minute.
    const [, url] = await waitForLine(
      child,
      /"listening":"(http:\/\/[^"]+)","watchdog":"Deno\.cron \* \* \* \* \*"/,
    );
    return { url: url as string, stop: () => stopProcess(child) };
  },
  { scheduleMs: 125_000 },
);

async function startWorkerd(launch: ReceiverLaunch, bindings: "durable-object" | "kv") {
  // The worker's log lines are kept for the checks instead of reaching the test run's output.
  let printed = "";
  const options: MiniflareOptions = {
    handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
      for (const stream of [stdout, stderr])
        stream.on("data", (chunk: Buffer) => {
          printed += chunk.toString();
        });
    },
    modules: true,
    script: await buildEdgeBundle("workers"),
    compatibilityDate: "2025-09-01",
    compatibilityFlags: ["nodejs_compat"],
    ...(bindings === "durable-object"
      ? { durableObjects: { RECEIVER_STORE: "ReceiverStoreObject" } }
      : { kvNamespaces: ["RECEIVER_KV"] }),
    bindings: { ...launch },
    host: "127.0.0.1",
    port: 0,
  };
  // Miniflare keeps its storage in os.tmpdir(): each instance gets its own folder inside this
  // file's, removed (and waited for) when the instance stops.
  const storage = mkdtempSync(join(dir, "workerd-"));
  const systemTemp = tmpdir();
  process.env.TMPDIR = storage;
  let mf: Miniflare;
  try {
    mf = new Miniflare(options);
  } finally {
    process.env.TMPDIR = systemTemp;
  }
  const url = (await mf.ready).origin;
  return {
    url,
    stop: async () => {
      await mf.dispose();
      await removeUntilGone(storage);
    },
    output: () => printed,
    // What Cloudflare does every minute for the cron trigger of wrangler.toml.
    check: async () => {
      // Cloudflare's Fetcher.scheduled; the workers types are not installed here.
      const worker = (await mf.getWorker()) as unknown as {
        scheduled(o: { cron: string }): Promise<{ outcome: string }>;
      };
      const result = await worker.scheduled({ cron: "* * * * *" });
      if (result.outcome !== "ok") throw new Error(`scheduled handler: ${result.outcome}`);
    },
  };
}

conformanceSuite("workerd", (launch) => startWorkerd(launch, "durable-object"));
// Workers KV has no compare-and-set: only sequential duplicates are caught there.
conformanceSuite("workerd-kv", (launch) => startWorkerd(launch, "kv"), {
  atomicClaims: false,
});
