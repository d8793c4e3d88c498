/** An HTTP server on 127.0.0.1 and a free port that records each request's method and path. */
export interface LoopbackServer {
  readonly url: string;
  /** `METHOD /path` per request, in order. */
  readonly requests: string[];
  stop(): Promise<void>;
}

export function serveLoopback(
  handle: (request: Request, url: URL) => Response | Promise<Response>,
): LoopbackServer {
  const requests: string[] = [];
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const url = new URL(request.url);
      requests.push(`${request.method} ${url.pathname}`);
      return handle(request, url);
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    async stop() {
      await server.stop(true);
    },
  };
}
