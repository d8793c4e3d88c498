import type { Server } from "bun";

const docs = "https://docs.github.com/rest";
const bodyLimit = 65_536;

export interface FakeIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
  labels: { name: string }[];
  comments: string[];
}

export interface FakeDeployment {
  readonly id: number;
  readonly environment: string;
  readonly ref: string;
  readonly sha: string;
  readonly created_at: string;
  readonly statuses: { state: string; created_at: string }[];
}

function gh(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-github-api-version-selected": "2022-11-28",
    },
  });
}

const notFound = () => gh(404, { message: "Not Found", documentation_url: docs, status: "404" });

function tooLong(field: string): Response {
  return gh(422, {
    message: "Validation Failed",
    errors: [
      {
        resource: "Issue",
        code: "custom",
        field,
        message: `${field} is too long (maximum is ${bodyLimit} characters)`,
      },
    ],
    documentation_url: docs,
    status: "422",
  });
}

/**
 * The slice of GitHub's REST API the receiver uses (issues, comments, deployments) on
 * loopback, with GitHub's status codes and error bodies: 401 Bad credentials, 404 Not
 * Found, 422 Validation Failed for bodies over 65,536 characters.
 */
export class FakeGithub {
  readonly issues = new Map<number, FakeIssue>();
  readonly deployments: FakeDeployment[] = [];
  readonly requests: { method: string; path: string }[] = [];
  readonly dispatches: { event_type: string; client_payload: Record<string, unknown> }[] = [];
  private failures: number[] = [];
  private server: Server<unknown> | undefined;

  constructor(
    readonly repo = "overflying/flyby",
    readonly token = "ghs_faketoken000000000000000000000000",
  ) {}

  start(): this {
    this.server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (r) => this.handle(r) });
    return this;
  }

  get url(): string {
    if (!this.server) throw new Error("FakeGithub not started");
    return `http://127.0.0.1:${this.server.port}`;
  }

  failNext(count: number, status = 502): void {
    for (let i = 0; i < count; i++) this.failures.push(status);
  }

  async stop(): Promise<void> {
    await this.server?.stop(true);
  }

  private async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    this.requests.push({ method: request.method, path: url.pathname });
    const auth = request.headers.get("authorization");
    if (auth !== `Bearer ${this.token}` && auth !== `token ${this.token}`) {
      return gh(401, { message: "Bad credentials", documentation_url: docs, status: "401" });
    }
    const failure = this.failures.shift();
    if (failure) return gh(failure, { message: "Server Error", status: String(failure) });
    const prefix = `/repos/${this.repo}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return notFound();
    const parts = url.pathname.slice(prefix.length + 1).split("/");
    const [kind, id, sub] = parts;
    if (kind === "issues") return this.issuesRoute(request, id, sub);
    if (kind === "dispatches" && request.method === "POST") {
      const payload = (await request.json()) as {
        event_type?: unknown;
        client_payload?: Record<string, unknown>;
      };
      if (typeof payload.event_type !== "string" || payload.event_type === "") {
        return gh(422, {
          message: 'Invalid request.\n\nNo subschema in "anyOf" matched.',
          documentation_url: docs,
          status: "422",
        });
      }
      this.dispatches.push({ event_type: payload.event_type, client_payload: payload.client_payload ?? {} });
      return new Response(null, { status: 204 });
    }
    if (kind === "deployments" && request.method === "GET") {
      if (id && sub === "statuses") {
        const d = this.deployments.find((x) => String(x.id) === id);
        return d ? gh(200, [...d.statuses].reverse()) : notFound();
      }
      const env = url.searchParams.get("environment");
      const list = this.deployments.filter((d) => !env || d.environment === env).reverse();
      return gh(
        200,
        list.slice(0, Number(url.searchParams.get("per_page") ?? 30)).map(({ statuses: _, ...d }) => d),
      );
    }
    return notFound();
  }

  private async issuesRoute(
    request: Request,
    id: string | undefined,
    sub: string | undefined,
  ): Promise<Response> {
    const payload = request.method === "GET" ? {} : ((await request.json()) as Record<string, unknown>);
    if (typeof payload.body === "string" && payload.body.length > bodyLimit) return tooLong("body");
    if (!id) {
      if (request.method !== "POST") return notFound();
      if (typeof payload.title !== "string" || payload.title === "") {
        return gh(422, {
          message: 'Invalid request.\n\n"title" wasn\'t supplied.',
          documentation_url: docs,
          status: "422",
        });
      }
      const issue: FakeIssue = {
        number: this.issues.size + 1,
        title: payload.title,
        body: String(payload.body ?? ""),
        state: "open",
        state_reason: null,
        labels: ((payload.labels as string[] | undefined) ?? []).map((name) => ({ name })),
        comments: [],
      };
      this.issues.set(issue.number, issue);
      return gh(201, this.view(issue));
    }
    const issue = this.issues.get(Number(id));
    if (!issue) return notFound();
    if (sub === "comments" && request.method === "POST") {
      issue.comments.push(String(payload.body ?? ""));
      return gh(201, { id: issue.comments.length, body: payload.body });
    }
    if (sub) return notFound();
    if (request.method === "GET") return gh(200, this.view(issue));
    if (request.method === "PATCH") {
      if (payload.state === "open" || payload.state === "closed") issue.state = payload.state;
      issue.state_reason = typeof payload.state_reason === "string" ? payload.state_reason : null;
      return gh(200, this.view(issue));
    }
    return notFound();
  }

  private view(issue: FakeIssue) {
    const { comments, ...rest } = issue;
    return {
      ...rest,
      comments: comments.length,
      html_url: `https://github.com/${this.repo}/issues/${issue.number}`,
      url: `${this.url}/repos/${this.repo}/issues/${issue.number}`,
    };
  }
}
