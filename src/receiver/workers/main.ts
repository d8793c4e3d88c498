// The Cloudflare Workers adapter: `export default { fetch }`. Deliveries are claimed in a
// Durable Object (RECEIVER_STORE, atomic) when it is bound, else in Workers KV (RECEIVER_KV).
import type { ExecutionContext, Receiver } from "../handler.ts";
import { type ReceiverEnv, receiverFromEnv } from "../runtime.ts";
import type { DeliveryStore } from "../store.ts";
import { type DurableNamespaceLike, DurableObjectStore } from "../stores/durable-object.ts";
import { type WorkersKvLike, WorkersKvStore } from "../stores/workers-kv.ts";

export { ReceiverStoreObject } from "../stores/durable-object.ts";

interface Env extends ReceiverEnv {
  readonly RECEIVER_STORE?: DurableNamespaceLike;
  readonly RECEIVER_KV?: WorkersKvLike;
}

function storeFor(env: Env): DeliveryStore {
  if (env.RECEIVER_STORE) return new DurableObjectStore(env.RECEIVER_STORE);
  if (env.RECEIVER_KV) return new WorkersKvStore(env.RECEIVER_KV);
  throw new Error("bind a Durable Object namespace as RECEIVER_STORE or a KV namespace as RECEIVER_KV");
}

let receiver: Receiver | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    try {
      receiver ??= receiverFromEnv(env, { store: () => storeFor(env), log: (l) => console.log(l) });
    } catch (e) {
      return new Response(`receiver misconfigured: ${(e as Error).message}\n`, { status: 500 });
    }
    return receiver.handle(request, env, ctx);
  },
};
