// The Cloudflare Workers adapter: `export default { fetch }` with a Workers KV store.
import type { ExecutionContext, Receiver } from "../handler.ts";
import { type ReceiverEnv, receiverFromEnv } from "../runtime.ts";
import { type WorkersKvLike, WorkersKvStore } from "../stores/workers-kv.ts";

interface Env extends ReceiverEnv {
  readonly RECEIVER_KV: WorkersKvLike;
}

let receiver: Receiver | undefined;

export default {
  async fetch(request: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    try {
      receiver ??= receiverFromEnv(env, {
        store: () => new WorkersKvStore(env.RECEIVER_KV),
        log: (l) => console.log(l),
      });
    } catch (e) {
      return new Response(`receiver misconfigured: ${(e as Error).message}\n`, { status: 500 });
    }
    return receiver.handle(request, env, ctx);
  },
};
