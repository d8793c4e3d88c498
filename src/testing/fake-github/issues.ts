import { bodyLimit, bodyTooLong, type FakeGitHubRoutes, type FakeGitHubUser, json, paged } from "./server.ts";

/**
 * Issues as GitHub's REST API documents them (docs.github.com/rest/issues/issues): list with
 * state and labels filters, create (422 without a title), update of body, state and
 * state_reason (422 for a body over 65,536 characters), and issue search with `is:open`, `label:` and words in the title.
 */

const docs = "https://docs.github.com/rest/issues/issues";

export interface StoredIssue {
  readonly number: number;
  readonly owner: string;
  readonly repo: string;
  title: string;
  body: string;
  state: "open" | "closed";
  state_reason: string | null;
  labels: string[];
  readonly user: FakeGitHubUser;
  readonly created_at: string;
  updated_at: string;
  closed_at: string | null;
}

const tooLong = (body: unknown) => typeof body === "string" && body.length > bodyLimit;
const stamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

export class FakeIssues implements FakeGitHubRoutes {
  readonly issues: StoredIssue[] = [];

  async handle(req: Request, url: URL, who: FakeGitHubUser, base: string): Promise<Response | undefined> {
    const list = /^\/repos\/([^/]+)\/([^/]+)\/issues$/.exec(url.pathname);
    if (list) {
      const [, owner = "", repo = ""] = list;
      if (req.method === "GET") {
        const state = url.searchParams.get("state") ?? "open";
        const labels = (url.searchParams.get("labels") ?? "").split(",").filter(Boolean);
        const found = this.issues
          .filter((i) => i.owner === owner && i.repo === repo)
          .filter((i) => state === "all" || i.state === state)
          .filter((i) => labels.every((l) => i.labels.includes(l)))
          .sort((a, b) => b.number - a.number);
        return paged(url, found, (i) => this.present(i, base));
      }
      if (req.method === "POST") {
        const body = (await req.json().catch(() => ({}))) as {
          title?: unknown;
          body?: unknown;
          labels?: unknown;
        };
        if (tooLong(body.body)) return bodyTooLong("Issue", `${docs}#create-an-issue`);
        if (typeof body.title !== "string" || body.title === "") {
          return json(422, {
            message: "Validation Failed",
            errors: [{ resource: "Issue", code: "missing_field", field: "title" }],
            documentation_url: `${docs}#create-an-issue`,
          });
        }
        const issue: StoredIssue = {
          number: this.issues.length + 1,
          owner,
          repo,
          title: body.title,
          body: typeof body.body === "string" ? body.body : "",
          state: "open",
          state_reason: null,
          labels: Array.isArray(body.labels) ? body.labels.map(String) : [],
          user: who,
          created_at: stamp(),
          updated_at: stamp(),
          closed_at: null,
        };
        this.issues.push(issue);
        return json(201, this.present(issue, base));
      }
    }
    const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)$/.exec(url.pathname);
    if (one) {
      const issue = this.issues.find(
        (i) => i.owner === one[1] && i.repo === one[2] && i.number === Number(one[3]),
      );
      if (!issue) return json(404, { message: "Not Found", documentation_url: docs });
      if (req.method === "GET") return json(200, this.present(issue, base));
      if (req.method === "PATCH") {
        const body = (await req.json().catch(() => ({}))) as Record<string, unknown>;
        if (tooLong(body.body)) return bodyTooLong("Issue", `${docs}#update-an-issue`);
        if (typeof body.title === "string") issue.title = body.title;
        if (typeof body.body === "string") issue.body = body.body;
        if (body.state === "open" || body.state === "closed") {
          issue.state = body.state;
          issue.closed_at = body.state === "closed" ? stamp() : null;
          issue.state_reason =
            body.state === "closed" ? String(body.state_reason ?? "completed") : "reopened";
        }
        issue.updated_at = stamp();
        return json(200, this.present(issue, base));
      }
    }
    if (url.pathname === "/search/issues" && req.method === "GET") {
      const q = url.searchParams.get("q") ?? "";
      const repo = /repo:([^/\s]+)\/(\S+)/.exec(q);
      const labels = [...q.matchAll(/label:(\S+)/g)].map((m) => m[1] as string);
      const words = q
        .replace(/(repo|label|is|in):\S+/g, "")
        .replace(/"/g, "")
        .split(/\s+/)
        .filter(Boolean)
        .map((w) => w.toLowerCase());
      const items = this.issues
        .filter((i) => !repo || (i.owner === repo[1] && i.repo === repo[2]))
        .filter((i) => !q.includes("is:open") || i.state === "open")
        .filter((i) => !q.includes("is:closed") || i.state === "closed")
        .filter((i) => labels.every((l) => i.labels.includes(l)))
        .filter((i) => words.every((w) => i.title.toLowerCase().includes(w)))
        .map((i) => ({ ...this.present(i, base), score: 1 }));
      return json(200, { total_count: items.length, incomplete_results: false, items });
    }
    return undefined;
  }

  private present(i: StoredIssue, base: string) {
    const url = `${base}/repos/${i.owner}/${i.repo}/issues/${i.number}`;
    return {
      url,
      html_url: `https://github.com/${i.owner}/${i.repo}/issues/${i.number}`,
      id: 5000 + i.number,
      node_id: Buffer.from(`Issue${i.number}`).toString("base64"),
      number: i.number,
      title: i.title,
      body: i.body,
      state: i.state,
      state_reason: i.state_reason,
      locked: false,
      labels: i.labels.map((name, n) => ({
        id: n + 1,
        name,
        color: "d73a4a",
        default: false,
        description: null,
      })),
      user: { login: i.user.login, id: i.user.id, type: i.user.type, site_admin: false },
      comments: 0,
      created_at: i.created_at,
      updated_at: i.updated_at,
      closed_at: i.closed_at,
      author_association: "NONE",
    };
  }
}
