import type { Server } from "bun";

/** What Slack's incoming webhooks enforce on Block Kit messages. */
const limits = { blocks: 50, headerText: 150, sectionText: 3000 } as const;

export interface SlackPost {
  readonly path: string;
  readonly body: { text?: string; blocks?: { type: string; text?: { text: string } }[] };
}

function slackError(status: number, code: string, headers: Record<string, string> = {}): Response {
  return new Response(code, { status, headers: { "content-type": "text/plain", ...headers } });
}

function invalidBlocks(blocks: NonNullable<SlackPost["body"]["blocks"]>): boolean {
  if (blocks.length > limits.blocks) return true;
  return blocks.some(
    (b) =>
      (b.type === "header" && (b.text?.text.length ?? 0) > limits.headerText) ||
      (b.type === "section" && (b.text?.text.length ?? 0) > limits.sectionText),
  );
}

/**
 * A Slack incoming webhook on loopback. It answers as Slack documents: 200 "ok",
 * 400 invalid_payload / no_text / invalid_blocks, 404 no_service, 429 rate_limited with
 * Retry-After, 500 rollup_error. Failures can be injected for the next requests.
 */
export class FakeSlack {
  readonly posts: SlackPost[] = [];
  private failures: { status: 429 | 500 | 503; delayMs: number }[] = [];
  private delayMs = 0;
  private server: Server<unknown> | undefined;
  readonly hookPath = "/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";

  start(): this {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (r) => this.handle(r) });
    return this;
  }

  get url(): string {
    if (!this.server) throw new Error("FakeSlack not started");
    return `http://127.0.0.1:${this.server.port}${this.hookPath}`;
  }

  /** The next `count` requests fail with `status` (after `delayMs`, to provoke timeouts). */
  failNext(count: number, status: 429 | 500 | 503 = 500, delayMs = 0): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, delayMs });
  }

  /** Successful posts take this long from now on, so concurrent requests overlap. */
  delayPosts(ms: number): void {
    this.delayMs = ms;
  }

  clearFailures(): void {
    this.failures = [];
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
  }

  private async handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (request.method !== "POST") return slackError(405, "invalid_method");
    if (path !== this.hookPath) return slackError(404, "no_service");
    const failure = this.failures.shift();
    if (failure) {
      if (failure.delayMs) await Bun.sleep(failure.delayMs);
      return failure.status === 429
        ? slackError(429, "rate_limited", { "retry-after": "1" })
        : slackError(failure.status, "rollup_error");
    }
    let body: SlackPost["body"];
    try {
      body = (await request.json()) as SlackPost["body"];
    } catch {
      return slackError(400, "invalid_payload");
    }
    if (!body.text && !body.blocks?.length) return slackError(400, "no_text");
    if (body.blocks && invalidBlocks(body.blocks)) return slackError(400, "invalid_blocks");
    if (this.delayMs) await Bun.sleep(this.delayMs);
    this.posts.push({ path, body });
    return new Response("ok", { headers: { "content-type": "text/html" } });
  }
}
