import type { Server } from "bun";
import type { Receiver } from "../handler.ts";

/**
 * Bun's adapter: Bun.serve hands every request to the web-standard handler, and a timer runs
 * the dead man's switch's check every `watchdog.every`. Stopping the server stops the timer.
 */
export function serveWithBun(receiver: Receiver, port: number, hostname: string): Server<undefined> {
  const server = Bun.serve({ port, hostname, fetch: (request) => receiver.handle(request) });
  const schedule = scheduleChecks(receiver);
  const stop = server.stop.bind(server);
  server.stop = (closeActiveConnections?: boolean) => {
    schedule.stop();
    return stop(closeActiveConnections);
  };
  return server;
}

/** Calls `receiver.tick()` every `everyMs`, never two at once; the timer keeps no process alive. */
export function scheduleChecks(receiver: Receiver, everyMs = receiver.tickEveryMs): { stop(): void } {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    // tick() logs its own failures; the next one tries again.
    receiver
      .tick()
      .catch(() => undefined)
      .finally(() => {
        running = false;
      });
  }, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Bun's synchronous SHA-256, many times faster than WebCrypto's per small message. */
export function bunSha256(text: string): string {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}
