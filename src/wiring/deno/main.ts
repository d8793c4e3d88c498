// The receiver's entry point on Deno: Deno.serve with a Deno KV store, and Deno.cron running
// the dead man's switch every minute. Run this file, or its bundle from src/receiver/build.ts, with:
// deno run --unstable-kv --unstable-cron --allow-net --allow-env --allow-read --allow-write
import { receiverEnv } from "../../receiver/runtime.ts";
import { type DenoKvLike, DenoKvStore } from "../../receiver/stores/deno-kv.ts";
import { receiverFromEnv } from "../web-world.ts";

declare const Deno: {
  env: { get(name: string): string | undefined };
  openKv(path?: string): Promise<DenoKvLike>;
  cron?: (name: string, schedule: string, handler: () => Promise<unknown>) => Promise<void>;
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { port: number; hostname: string }) => void;
    },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
};

/** Deno.cron's finest schedule. */
const everyMinute = "* * * * *";

const kv = await Deno.openKv(Deno.env.get("FLYBY_RECEIVER_KV_PATH"));
const receiver = receiverFromEnv(
  receiverEnv((name) => Deno.env.get(name)),
  {
    store: () => new DenoKvStore(kv),
    log: (line) => console.error(line),
  },
);
let watchdog: string;
if (Deno.cron) {
  // tick() logs its own failures; the next run tries again.
  Deno.cron("flyby-receiver-watchdog", everyMinute, () => receiver.tick().catch(() => undefined));
  watchdog = `Deno.cron ${everyMinute}`;
} else {
  // Without --unstable-cron: a timer, as under Bun.
  setInterval(() => receiver.tick().catch(() => undefined), receiver.tickEveryMs);
  watchdog = `setInterval ${receiver.tickEveryMs} ms (run with --unstable-cron to use Deno.cron)`;
}
Deno.serve(
  {
    port: Number(Deno.env.get("PORT") ?? 8080),
    hostname: Deno.env.get("HOST") ?? "0.0.0.0",
    onListen: ({ port, hostname }) =>
      console.log(JSON.stringify({ listening: `http://${hostname}:${port}`, watchdog })),
  },
  (request) => receiver.handle(request),
);
