import type { Receiver } from "../receiver/handler.ts";
import {
  type ReceiverEnv,
  type ReceiverWorld,
  type RuntimeOptions,
  receiverFromSettings,
} from "../receiver/runtime.ts";
import { systemClock } from "./clock.ts";

/**
 * The real world as every runtime offers it the same way (Bun, Deno, Cloudflare Workers):
 * global fetch, the wall clock, setTimeout. This module loads in all of them, so it imports no
 * runtime's own modules (no `bun:*`, no `node:*`).
 */
export const webWorld: ReceiverWorld = { fetch: (url, init) => fetch(url, init), ...systemClock };

/** A receiver from a runtime's settings, talking to the web-standard world. */
export function receiverFromEnv(env: ReceiverEnv, o: RuntimeOptions): Receiver {
  return receiverFromSettings(env, o, webWorld);
}
