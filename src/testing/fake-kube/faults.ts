/** Fault injection for FakeKube's `fault` option: answers the API gives under load, and broken connections. */

const status = (code: number, reason: string, message: string, headers: Record<string, string> = {}) =>
  new Response(
    JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      code,
    }),
    { status: code, headers: { "Content-Type": "application/json", ...headers } },
  );

/** 429 as kube-apiserver's max-in-flight filter sends it, with Retry-After. */
export const tooManyRequests = (retryAfterSeconds = 1): Response =>
  status(429, "TooManyRequests", "Too many requests, please try again later.", {
    "Retry-After": String(retryAfterSeconds),
  });

export const internalError = (): Response =>
  status(500, "InternalError", "Internal error occurred: etcdserver: request timed out");

/**
 * A response whose body fails at once: the client sees the connection reset (ECONNRESET).
 * The stream errors with no reason: Bun.serve prints the stack trace of an Error reason.
 */
export const connectionReset = (): Response =>
  new Response(
    new ReadableStream({
      pull(c) {
        c.error();
      },
    }),
    { status: 200 },
  );

export interface FaultCounts {
  tooManyRequests: number;
  internalError: number;
  connectionReset: number;
}

/**
 * Fails a share of requests at random, spread over 429, 500 and connection resets. Watches
 * are left alone (a broken watch is just restarted).
 */
export function randomFaults(rate: number, random: () => number, counts: FaultCounts) {
  return (_req: Request, url: URL): Response | undefined => {
    if (url.searchParams.get("watch") === "true" || random() >= rate) return undefined;
    const pick = random();
    if (pick < 1 / 3) {
      counts.tooManyRequests++;
      return tooManyRequests(0);
    }
    if (pick < 2 / 3) {
      counts.internalError++;
      return internalError();
    }
    counts.connectionReset++;
    return connectionReset();
  };
}

/** A seeded generator (mulberry32), so a failing run can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
