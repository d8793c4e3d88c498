// The receiver's entry point on Cloudflare Workers: `export default { fetch, scheduled }`.
// Deliveries are claimed in a Durable Object (RECEIVER_STORE, atomic) when it is bound, else in
// Workers KV (RECEIVER_KV).
import type { ExecutionContext, Receiver } from "../../receiver/handler.ts";
import type { ReceiverEnv } from "../../receiver/runtime.ts";
import type { DeliveryStore } from "../../receiver/store.ts";
import { type DurableNamespaceLike, DurableObjectStore } from "../../receiver/stores/durable-object.ts";
import { type WorkersKvLike, WorkersKvStore } from "../../receiver/stores/workers-kv.ts";
import { receiverFromEnv } from "../web-world.ts";

export { ReceiverStoreObject } from "../../receiver/stores/durable-object.ts";

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

function receiverFor(env: Env): Receiver {
  receiver ??= receiverFromEnv(env, { store: () => storeFor(env), log: (l) => console.log(l) });
  return receiver;
}

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    let r: Receiver;
    try {
      r = receiverFor(env);
    } catch (e) {
      return new Response(`receiver misconfigured: ${(e as Error).message}\n`, { status: 500 });
    }
    return r.handle(request, env, ctx);
  },

  /** The cron trigger of wrangler.toml (every minute): the dead man's switch's check. */
  async scheduled(_controller: unknown, env: Env, ctx: ExecutionContext): Promise<void> {
    const check = receiverFor(env).tick();
    ctx.waitUntil?.(check);
    await check;
  },
};
