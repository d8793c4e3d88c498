import type { Server } from "bun";
import type { Receiver } from "../handler.ts";

/** Bun's adapter: Bun.serve hands every request to the web-standard handler. */
export function serveWithBun(receiver: Receiver, port: number, hostname: string): Server<undefined> {
  return Bun.serve({ port, hostname, fetch: (request) => receiver.handle(request) });
}

/** Bun's synchronous SHA-256, many times faster than WebCrypto's per small message. */
export function bunSha256(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}
