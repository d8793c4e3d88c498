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

/** A fake API served on loopback between start() and stop(); subclasses answer in handle(). */
export abstract class LoopbackFake {
  private server: LoopbackServer | undefined;

  abstract handle(request: Request): Response | Promise<Response>;

  start(): this {
    this.server = serveLoopback((req) => this.handle(req));
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  get url(): string {
    if (!this.server) throw new Error(`${this.constructor.name} is not started`);
    return this.server.url;
  }
}
