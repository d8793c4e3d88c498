/**
 * An in-process GitHub REST API for issue comments: list (paginated with Link headers, as in
 * @octokit/fixtures' paginate-issues scenario), create, update and delete, with GitHub's
 * error bodies and its 65,536-character limit on a comment body. More of the API comes from
 * route modules: issues.ts, deployments.ts (with artifacts), dispatches.ts.
 */

export interface FakeGitHubUser {
  readonly login: string;
  readonly id: number;
  readonly type: "User" | "Bot";
}

export interface StoredComment {
  readonly id: number;
  readonly owner: string;
  readonly repo: string;
  readonly issue: number;
  body: string;
  readonly user: FakeGitHubUser;
  readonly created_at: string;
  updated_at: string;
}

/** A part of the fake API: answers the requests it knows, leaves the rest (undefined). */
export interface FakeGitHubRoutes {
  handle(req: Request, url: URL, user: FakeGitHubUser, baseUrl: string): Promise<Response | undefined>;
}

export interface GitHubRequest {
  readonly method: string;
  readonly path: string;
}

/** GitHub refuses an issue or comment body longer than this. */
export const bodyLimit = 65_536;
const docs = "https://docs.github.com/rest/issues/comments";

/** The 422 GitHub answers for a body over 65,536 characters. */
export function bodyTooLong(resource: "Issue" | "IssueComment", documentationUrl: string): Response {
  return json(422, {
    message: "Validation Failed",
    errors: [
      {
        resource,
        code: "custom",
        field: "body",
        message: `body is too long (maximum is ${bodyLimit} characters)`,
      },
    ],
    documentation_url: documentationUrl,
  });
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", ...headers },
  });

/**
 * One page of a list as GitHub serves it: `per_page` (default 30, at most 100) and `page`, with
 * a Link header naming the prev, next, last and first pages; `wrap` shapes the body (e.g.
 * `{total_count, artifacts}`), a bare array by default.
 */
export function paged<T>(
  url: URL,
  all: readonly T[],
  present: (item: T) => unknown,
  wrap: (items: unknown[]) => unknown = (items) => items,
): Response {
  const perPage = Math.min(100, Number(url.searchParams.get("per_page") ?? "30"));
  const page = Math.max(1, Number(url.searchParams.get("page") ?? "1"));
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (p: number, rel: string) => {
    const u = new URL(url);
    u.searchParams.set("per_page", String(perPage));
    u.searchParams.set("page", String(p));
    return `<${u}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  if (page > 1) links.push(link(1, "first"));
  const items = all.slice((page - 1) * perPage, page * perPage).map(present);
  return json(200, wrap(items), links.length ? { Link: links.join(", ") } : {});
}

export class FakeGitHub {
  readonly comments: StoredComment[] = [];
  readonly requests: GitHubRequest[] = [];
  /** More of the API, each in its own module (deployments.ts, issues.ts); tried in order. */
  readonly routes: FakeGitHubRoutes[] = [];
  private nextId = 1000;
  /** Statuses the next requests answer with, as an outage would. */
  private readonly failures: number[] = [];
  private server: ReturnType<typeof Bun.serve> | undefined;

  constructor(
    /** Tokens the server knows; the default token acts as github-actions[bot]. */
    readonly tokens: Readonly<Record<string, FakeGitHubUser>> = {
      "ghs-test-token": { login: "github-actions[bot]", id: 41898282, type: "Bot" },
    },
  ) {}

  get url(): string {
    if (!this.server) throw new Error("fake GitHub is not started");
    return `http://127.0.0.1:${this.server.port}`;
  }

  start(): this {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (req) => this.handle(req) });
    return this;
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
    this.server = undefined;
  }

  /** The next `count` authenticated requests fail with `status`, GitHub's "Server Error" body. */
  failNext(count: number, status = 502): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  /** The comments on one issue or pull request, oldest first. */
  commentsOn(owner: string, repo: string, issue: number): string[] {
    return this.comments
      .filter((c) => c.owner === owner && c.repo === repo && c.issue === issue)
      .map((c) => c.body);
  }

  /** Adds a comment as if someone had posted it earlier. */
  seed(owner: string, repo: string, issue: number, body: string, user: FakeGitHubUser): StoredComment {
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const c: StoredComment = {
      id: this.nextId++,
      owner,
      repo,
      issue,
      body,
      user,
      created_at: now,
      updated_at: now,
    };
    this.comments.push(c);
    return c;
  }

  private present(c: StoredComment): Record<string, unknown> {
    const base = `${this.url}/repos/${c.owner}/${c.repo}`;
    return {
      url: `${base}/issues/comments/${c.id}`,
      html_url: `https://github.com/${c.owner}/${c.repo}/pull/${c.issue}#issuecomment-${c.id}`,
      issue_url: `${base}/issues/${c.issue}`,
      id: c.id,
      node_id: Buffer.from(`IssueComment${c.id}`).toString("base64"),
      user: { login: c.user.login, id: c.user.id, type: c.user.type, site_admin: false },
      created_at: c.created_at,
      updated_at: c.updated_at,
      author_association: c.user.type === "Bot" ? "NONE" : "MEMBER",
      body: c.body,
      reactions: { url: `${base}/issues/comments/${c.id}/reactions`, total_count: 0 },
      performed_via_github_app: null,
    };
  }

  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    this.requests.push({ method: req.method, path: `${url.pathname}${url.search}` });
    const auth = req.headers.get("Authorization")?.replace(/^(token|bearer)\s+/i, "");
    const user = auth ? this.tokens[auth] : undefined;
    if (!user)
      return json(401, {
        message: auth ? "Bad credentials" : "Requires authentication",
        documentation_url: "https://docs.github.com/rest",
      });
    const failure = this.failures.shift();
    if (failure !== undefined) return json(failure, { message: "Server Error" });

    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (list) {
      const [, owner = "", repo = "", issue = ""] = list;
      if (req.method === "GET") return this.list(url, owner, repo, Number(issue));
      if (req.method === "POST") return this.create(req, owner, repo, Number(issue), user);
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (one) {
      const [, owner, repo, id] = one;
      const c = this.comments.find((x) => x.id === Number(id) && x.owner === owner && x.repo === repo);
      if (!c) return json(404, { message: "Not Found", documentation_url: docs });
      if (req.method === "GET") return json(200, this.present(c));
      if (req.method === "PATCH") return this.update(req, c);
      if (req.method === "DELETE") {
        this.comments.splice(this.comments.indexOf(c), 1);
        return json(204, null);
      }
    }
    for (const routes of this.routes) {
      const answer = await routes.handle(req, url, user, this.url);
      if (answer) return answer;
    }
    return json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });
  }

  /** Serves more endpoints from a module of routes. */
  use(routes: FakeGitHubRoutes): this {
    this.routes.push(routes);
    return this;
  }

  private list(url: URL, owner: string, repo: string, issue: number): Response {
    const all = this.comments.filter((c) => c.owner === owner && c.repo === repo && c.issue === issue);
    return paged(url, all, (c) => this.present(c));
  }

  private async readBody(req: Request): Promise<string | Response> {
    const payload = (await req.json().catch(() => undefined)) as { body?: unknown } | undefined;
    if (typeof payload?.body !== "string") {
      return json(422, {
        message: "Invalid request.\n\nFor 'properties/body', nil is not a string.",
        documentation_url: docs,
      });
    }
    if (payload.body.length > bodyLimit) return bodyTooLong("IssueComment", docs);
    return payload.body;
  }

  private async create(req: Request, owner: string, repo: string, issue: number, user: FakeGitHubUser) {
    const body = await this.readBody(req);
    if (body instanceof Response) return body;
    const c = this.seed(owner, repo, issue, body, user);
    return json(201, this.present(c), {
      Location: `${this.url}/repos/${owner}/${repo}/issues/comments/${c.id}`,
    });
  }

  private async update(req: Request, c: StoredComment): Promise<Response> {
    const body = await this.readBody(req);
    if (body instanceof Response) return body;
    c.body = body;
    c.updated_at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    return json(200, this.present(c));
  }
}
