import { type FakeGitHubRoutes, type FakeGitHubUser, json, paged } from "./server.ts";

/**
 * Deployments, deployment statuses and workflow artifacts as GitHub's REST API documents
 * them (docs.github.com/rest/deployments, /rest/actions/artifacts): newest first, 422 for
 * an unknown ref, a bad state or a description over 140 characters, auto_inactive for
 * non-production environments, and artifact downloads as a 302 to a short-lived URL.
 */

const docs = {
  deployments: "https://docs.github.com/rest/deployments/deployments",
  statuses: "https://docs.github.com/rest/deployments/statuses",
  artifacts: "https://docs.github.com/rest/actions/artifacts",
};
const states = ["error", "failure", "inactive", "in_progress", "queued", "pending", "success"] as const;

export interface StoredDeployment {
  readonly id: number;
  readonly owner: string;
  readonly repo: string;
  readonly sha: string;
  readonly ref: string;
  readonly task: string;
  readonly payload: unknown;
  readonly environment: string;
  readonly description: string | null;
  readonly creator: FakeGitHubUser;
  readonly created_at: string;
  readonly transient_environment: boolean;
  readonly production_environment: boolean;
  /** Newest first. */
  readonly statuses: StoredStatus[];
}

export interface StoredStatus {
  readonly id: number;
  readonly state: (typeof states)[number];
  readonly description: string;
  readonly environment: string;
  readonly log_url: string;
  readonly environment_url: string;
  readonly creator: FakeGitHubUser;
  readonly created_at: string;
}

export interface StoredArtifact {
  readonly id: number;
  readonly owner: string;
  readonly repo: string;
  readonly name: string;
  readonly zip: Uint8Array;
  readonly created_at: string;
  expired: boolean;
  readonly runId: number;
  readonly headSha: string;
}

/** Who recorded a seeded deployment: the workflow's token. */
const actionsBot: FakeGitHubUser = { login: "github-actions[bot]", id: 41898282, type: "Bot" };

const user = (u: FakeGitHubUser) => ({ login: u.login, id: u.id, type: u.type, site_admin: false });

/** Timestamps the way GitHub writes them, and strictly increasing so that order is visible. */
function clock(): () => string {
  let last = 0;
  return () => {
    last = Math.max(Date.now(), last + 1000);
    return new Date(last).toISOString().replace(/\.\d{3}Z$/, "Z");
  };
}

export class FakeDeployments implements FakeGitHubRoutes {
  readonly deployments: StoredDeployment[] = [];
  readonly artifacts: StoredArtifact[] = [];
  /** Branch and tag names → commit; a full 40-hex ref is taken as a commit. */
  readonly refs = new Map<string, string>();
  private nextId = 1;
  private readonly now = clock();

  /**
   * Adds a deployment as if a workflow had recorded it at `created_at`, with its statuses
   * (oldest first) at their own times.
   */
  addDeployment(
    owner: string,
    repo: string,
    d: {
      readonly environment: string;
      readonly ref: string;
      readonly sha: string;
      readonly created_at: string;
      readonly statuses?: readonly { readonly state: StoredStatus["state"]; readonly created_at: string }[];
    },
  ): StoredDeployment {
    const stored: StoredDeployment = {
      id: this.nextId++,
      owner,
      repo,
      sha: d.sha,
      ref: d.ref,
      task: "deploy",
      payload: {},
      environment: d.environment,
      description: null,
      creator: actionsBot,
      created_at: d.created_at,
      transient_environment: false,
      production_environment: d.environment === "production",
      statuses: (d.statuses ?? [])
        .map((s) => ({
          id: this.nextId++,
          state: s.state,
          description: "",
          environment: d.environment,
          log_url: "",
          environment_url: "",
          creator: actionsBot,
          created_at: s.created_at,
        }))
        .reverse(),
    };
    this.deployments.push(stored);
    return stored;
  }

  /** Adds an artifact as if a workflow run had uploaded it. */
  addArtifact(
    owner: string,
    repo: string,
    name: string,
    zip: Uint8Array,
    run: { id: number; headSha: string },
  ) {
    const a: StoredArtifact = {
      id: this.nextId++,
      owner,
      repo,
      name,
      zip,
      created_at: this.now(),
      expired: false,
      runId: run.id,
      headSha: run.headSha,
    };
    this.artifacts.push(a);
    return a;
  }

  async handle(req: Request, url: URL, who: FakeGitHubUser, base: string): Promise<Response | undefined> {
    const p = url.pathname;
    const blob = /^\/_artifact-blobs\/(\d+)$/.exec(p);
    if (blob) {
      const a = this.artifacts.find((x) => x.id === Number(blob[1]));
      return a && new Response(a.zip.slice(), { headers: { "Content-Type": "application/zip" } });
    }
    let m = /^\/repos\/([^/]+)\/([^/]+)\/deployments$/.exec(p);
    if (m) {
      const [, owner = "", repo = ""] = m;
      if (req.method === "GET") return this.listDeployments(url, owner, repo, base);
      if (req.method === "POST") return this.createDeployment(req, owner, repo, who, base);
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/deployments\/(\d+)(\/statuses)?$/.exec(p);
    if (m) {
      const [, owner, repo, id, statuses] = m;
      const d = this.deployments.find((x) => x.id === Number(id) && x.owner === owner && x.repo === repo);
      if (!d) return json(404, { message: "Not Found", documentation_url: docs.deployments });
      if (!statuses && req.method === "GET") return json(200, this.present(d, base));
      if (statuses && req.method === "GET")
        return paged(url, d.statuses, (s) => this.presentStatus(d, s, base));
      if (statuses && req.method === "POST") return this.createStatus(req, d, who, base);
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts$/.exec(p);
    if (m && req.method === "GET") {
      const [, owner, repo] = m;
      const name = url.searchParams.get("name");
      const all = this.artifacts
        .filter((a) => a.owner === owner && a.repo === repo && (name === null || a.name === name))
        .sort((a, b) => b.id - a.id);
      return paged(
        url,
        all,
        (a) => this.presentArtifact(a, base),
        (artifacts) => ({ total_count: all.length, artifacts }),
      );
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/actions\/artifacts\/(\d+)\/zip$/.exec(p);
    if (m && req.method === "GET") {
      const a = this.artifacts.find(
        (x) => x.id === Number(m?.[3]) && x.owner === m?.[1] && x.repo === m?.[2],
      );
      if (!a) return json(404, { message: "Not Found", documentation_url: docs.artifacts });
      if (a.expired) return json(410, { message: "Artifact has expired", documentation_url: docs.artifacts });
      return new Response(null, {
        status: 302,
        headers: { Location: `${base}/_artifact-blobs/${a.id}?sig=fake` },
      });
    }
    return undefined;
  }

  private listDeployments(url: URL, owner: string, repo: string, base: string): Response {
    const q = (k: string) => url.searchParams.get(k);
    const all = this.deployments
      .filter(
        (d) =>
          d.owner === owner &&
          d.repo === repo &&
          (q("environment") === null || d.environment === q("environment")) &&
          (q("sha") === null || d.sha === q("sha")) &&
          (q("ref") === null || d.ref === q("ref")) &&
          (q("task") === null || d.task === q("task")),
      )
      .sort((a, b) => b.id - a.id);
    return paged(url, all, (d) => this.present(d, base));
  }

  private async createDeployment(
    req: Request,
    owner: string,
    repo: string,
    who: FakeGitHubUser,
    base: string,
  ) {
    const body = (await req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!body || typeof body.ref !== "string") {
      return json(422, {
        message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
        documentation_url: docs.deployments,
      });
    }
    const sha = /^[0-9a-f]{40}$/.test(body.ref) ? body.ref : this.refs.get(body.ref);
    if (!sha)
      return json(422, { message: `No ref found for: ${body.ref}`, documentation_url: docs.deployments });
    const environment = typeof body.environment === "string" ? body.environment : "production";
    const payload =
      typeof body.payload === "string" ? JSON.parse(body.payload || "{}") : (body.payload ?? {});
    const d: StoredDeployment = {
      id: this.nextId++,
      owner,
      repo,
      sha,
      ref: body.ref,
      task: typeof body.task === "string" ? body.task : "deploy",
      payload,
      environment,
      description: typeof body.description === "string" ? body.description : null,
      creator: who,
      created_at: this.now(),
      transient_environment: body.transient_environment === true,
      production_environment:
        typeof body.production_environment === "boolean"
          ? body.production_environment
          : environment === "production",
      statuses: [],
    };
    this.deployments.push(d);
    return json(201, this.present(d, base), {
      Location: `${base}/repos/${owner}/${repo}/deployments/${d.id}`,
    });
  }

  private async createStatus(req: Request, d: StoredDeployment, who: FakeGitHubUser, base: string) {
    const body = (await req.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    const state = body?.state as StoredStatus["state"];
    if (!states.includes(state)) {
      return json(422, {
        message: "Validation Failed",
        errors: [{ resource: "DeploymentStatus", code: "invalid", field: "state" }],
        documentation_url: docs.statuses,
      });
    }
    const description = typeof body?.description === "string" ? body.description : "";
    if (description.length > 140) {
      return json(422, {
        message: "Validation Failed",
        errors: [
          {
            resource: "DeploymentStatus",
            code: "custom",
            field: "description",
            message: "description is too long (maximum is 140 characters)",
          },
        ],
        documentation_url: docs.statuses,
      });
    }
    const status = (s: StoredStatus["state"], text: string): StoredStatus => ({
      id: this.nextId++,
      state: s,
      description: text,
      environment: d.environment,
      log_url: typeof body?.log_url === "string" ? body.log_url : "",
      environment_url: typeof body?.environment_url === "string" ? body.environment_url : "",
      creator: who,
      created_at: this.now(),
    });
    const created = status(state, description);
    d.statuses.unshift(created);
    // Documented: a success marks earlier successful deployments of the same non-production,
    // non-transient environment inactive, unless auto_inactive is false.
    if (state === "success" && body?.auto_inactive !== false) {
      for (const other of this.deployments) {
        if (other === d || other.owner !== d.owner || other.repo !== d.repo) continue;
        if (
          other.environment !== d.environment ||
          other.production_environment ||
          other.transient_environment
        )
          continue;
        if (
          other.id < d.id &&
          other.statuses.some((s) => s.state === "success") &&
          other.statuses[0]?.state !== "inactive"
        ) {
          other.statuses.unshift({ ...status("inactive", ""), creator: who });
        }
      }
    }
    return json(201, this.presentStatus(d, created, base));
  }

  private present(d: StoredDeployment, base: string) {
    const url = `${base}/repos/${d.owner}/${d.repo}/deployments/${d.id}`;
    return {
      url,
      id: d.id,
      node_id: Buffer.from(`Deployment${d.id}`).toString("base64"),
      sha: d.sha,
      ref: d.ref,
      task: d.task,
      payload: d.payload,
      original_environment: d.environment,
      environment: d.environment,
      description: d.description,
      creator: user(d.creator),
      created_at: d.created_at,
      updated_at: d.statuses[0]?.created_at ?? d.created_at,
      statuses_url: `${url}/statuses`,
      repository_url: `${base}/repos/${d.owner}/${d.repo}`,
      transient_environment: d.transient_environment,
      production_environment: d.production_environment,
      performed_via_github_app: null,
    };
  }

  private presentStatus(d: StoredDeployment, s: StoredStatus, base: string) {
    const repoUrl = `${base}/repos/${d.owner}/${d.repo}`;
    return {
      url: `${repoUrl}/deployments/${d.id}/statuses/${s.id}`,
      id: s.id,
      node_id: Buffer.from(`DeploymentStatus${s.id}`).toString("base64"),
      state: s.state,
      creator: user(s.creator),
      description: s.description,
      environment: s.environment,
      target_url: s.log_url,
      created_at: s.created_at,
      updated_at: s.created_at,
      deployment_url: `${repoUrl}/deployments/${d.id}`,
      repository_url: repoUrl,
      environment_url: s.environment_url,
      log_url: s.log_url,
      performed_via_github_app: null,
    };
  }

  private presentArtifact(a: StoredArtifact, base: string) {
    const url = `${base}/repos/${a.owner}/${a.repo}/actions/artifacts/${a.id}`;
    return {
      id: a.id,
      node_id: Buffer.from(`Artifact${a.id}`).toString("base64"),
      name: a.name,
      size_in_bytes: a.zip.length,
      url,
      archive_download_url: `${url}/zip`,
      expired: a.expired,
      created_at: a.created_at,
      updated_at: a.created_at,
      expires_at: new Date(Date.parse(a.created_at) + 90 * 86_400_000)
        .toISOString()
        .replace(/\.\d{3}Z$/, "Z"),
      workflow_run: {
        id: a.runId,
        repository_id: 1,
        head_repository_id: 1,
        head_branch: "main",
        head_sha: a.headSha,
      },
    };
  }
}
