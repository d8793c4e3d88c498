import { mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ReceiverServePorts } from "../app/receiver-serve.ts";
import { bunSha256, serveWithBun } from "../receiver/bun/serve.ts";
import { receiverEnv } from "../receiver/runtime.ts";
import { MemoryStore } from "../receiver/store.ts";
import { SqliteStore } from "../receiver/stores/sqlite.ts";
import { webWorld } from "./web-world.ts";

/**
 * The real world `receiver serve` runs in: Bun.serve with its watchdog timer, bun:sqlite,
 * global fetch, the clock, SIGINT and SIGTERM. It sits apart from src/wiring/world.ts so that the
 * receiver starts without loading the Kubernetes and GKE clients a deploy needs.
 */
export function receiverServeWorld(
  env: Readonly<Record<string, string | undefined>>,
  out: Pick<ReceiverServePorts, "log" | "listening">,
): ReceiverServePorts {
  return {
    ...webWorld,
    ...out,
    env: receiverEnv((name) => env[name]),
    sha256: bunSha256,
    readConfig: (path) => readFileSync(path, "utf8"),
    openStore(choice) {
      if (choice.kind === "memory") return new MemoryStore();
      mkdirSync(dirname(choice.path), { recursive: true });
      return new SqliteStore(choice.path);
    },
    serve(receiver, port, host) {
      const server = serveWithBun(receiver, port, host);
      return { port: server.port ?? port, stop: () => server.stop() };
    },
    stopRequested: () =>
      new Promise<void>((done) => {
        process.once("SIGINT", done);
        process.once("SIGTERM", done);
      }),
  };
}
