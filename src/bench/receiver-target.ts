// One server for `bun run bench receiver`, in its own process so the load generator does not
// share its event loop: `bare` answers 200 after reading the body; `memory` and `sqlite` run
// the receiver (auth, validation, dedup) in front of a sink that succeeds at once.
import { join } from "node:path";
import { bunSha256 } from "../receiver/bun/serve.ts";
import { loadConfig } from "../receiver/config.ts";
import { createReceiver } from "../receiver/handler.ts";
import { Ok } from "../receiver/sinks/sink.ts";
import { MemoryStore } from "../receiver/store.ts";
import { SqliteStore } from "../receiver/stores/sqlite.ts";

// argv: mode, the bearer token the load generator sends, a scratch directory.
const [, , mode, token, scratch] = process.argv;

function receiverFetch(): (request: Request) => Promise<Response> {
  const store =
    mode === "sqlite" ? new SqliteStore(join(scratch ?? ".", "receiver-bench.db")) : new MemoryStore();
  const receiver = createReceiver({
    config: loadConfig({ defaultToken: token }),
    sha256: bunSha256,
    store,
    fetch: () => Promise.reject(new Error("the bench sink makes no requests")),
    now: Date.now,
    sleep: Bun.sleep,
    sinks: [{ sink: { name: "fast", deliveries: () => [{ id: "message", send: async () => Ok }] } }],
  });
  return (request) => receiver.handle(request);
}

const fetchHandler =
  mode === "bare"
    ? async (request: Request) => {
        await request.arrayBuffer();
        return new Response("ok");
      }
    : receiverFetch();
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: fetchHandler });
console.log(`listening ${server.port}`);
