// Deno's adapter: Deno.serve with a Deno KV store. Run this file, or its bundle from
// src/receiver/build.ts, with: deno run --unstable-kv --allow-net --allow-env --allow-read --allow-write --allow-sys
import { receiverFromEnv } from "../runtime.ts";
import { type DenoKvLike, DenoKvStore } from "../stores/deno-kv.ts";

declare const Deno: {
  env: { get(name: string): string | undefined };
  openKv(path?: string): Promise<DenoKvLike>;
  serve(
    options: {
      port: number;
      hostname: string;
      onListen?: (addr: { port: number; hostname: string }) => void;
    },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
};

const kv = await Deno.openKv(Deno.env.get("FLYBY_RECEIVER_KV_PATH"));
const receiver = receiverFromEnv(
  {
    FLYBY_RECEIVER_TOKEN: Deno.env.get("FLYBY_RECEIVER_TOKEN"),
    FLYBY_RECEIVER_CONFIG: Deno.env.get("FLYBY_RECEIVER_CONFIG"),
    FLYBY_RECEIVER_INSECURE_NO_AUTH: Deno.env.get("FLYBY_RECEIVER_INSECURE_NO_AUTH"),
  },
  { store: () => new DenoKvStore(kv), log: (line) => console.error(line) },
);
Deno.serve(
  {
    port: Number(Deno.env.get("PORT") ?? 8080),
    hostname: Deno.env.get("HOST") ?? "0.0.0.0",
    onListen: ({ port, hostname }) =>
      console.log(JSON.stringify({ listening: `http://${hostname}:${port}` })),
  },
  (request) => receiver.handle(request),
);
