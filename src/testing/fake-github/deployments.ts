import { LoopbackFake } from "../loopback.ts";

/**
 * An in-process GitHub REST API for deployments and deployment statuses
 * (docs.github.com/rest/deployments): create a deployment (201), create and list its
 * statuses, with GitHub's 401, 404 and 422 bodies.
 */
export interface StoredDeployment {
  readonly id: number;
  readonly ref: string;
  readonly environment: string;
  readonly description: string | null;
  readonly payload: unknown;
  readonly statuses: { state: string; description: string; log_url?: string }[];
}

const states = new Set(["error", "failure", "inactive", "in_progress", "queued", "pending", "success"]);

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8" },
  });

const notFound = () => json(404, { message: "Not Found", documentation_url: "https://docs.github.com/rest" });

export class FakeGitHubDeployments extends LoopbackFake {
  readonly deployments: StoredDeployment[] = [];
  private nextId = 1;

  constructor(readonly token = "ghs-test-token") {
    super();
  }

  async handle(req: Request): Promise<Response> {
    if (req.headers.get("Authorization") !== `token ${this.token}`) {
      return json(401, { message: "Bad credentials", documentation_url: "https://docs.github.com/rest" });
    }
    const url = new URL(req.url);
    const create = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/deployments$/);
    const statuses = url.pathname.match(/^\/repos\/[^/]+\/[^/]+\/deployments\/(\d+)\/statuses$/);
    if (create && req.method === "POST") return this.createDeployment(await req.json());
    if (statuses) {
      const d = this.deployments.find((x) => x.id === Number(statuses[1]));
      if (!d) return notFound();
      if (req.method === "GET") return json(200, d.statuses.map((s, i) => ({ id: i + 1, ...s })).reverse());
      if (req.method === "POST") return this.createStatus(d, await req.json());
    }
    return notFound();
  }

  private createDeployment(body: Record<string, unknown>): Response {
    if (typeof body.ref !== "string") {
      return json(422, {
        message: 'Invalid request.\n\n"ref" wasn\'t supplied.',
        documentation_url: "https://docs.github.com/rest/deployments/deployments#create-a-deployment",
      });
    }
    const d: StoredDeployment = {
      id: this.nextId++,
      ref: body.ref,
      environment: typeof body.environment === "string" ? body.environment : "production",
      description: typeof body.description === "string" ? body.description : null,
      payload: body.payload ?? {},
      statuses: [],
    };
    this.deployments.push(d);
    return json(201, {
      id: d.id,
      ref: d.ref,
      environment: d.environment,
      description: d.description,
      payload: d.payload,
    });
  }

  private createStatus(d: StoredDeployment, body: Record<string, unknown>): Response {
    if (typeof body.state !== "string" || !states.has(body.state)) {
      return json(422, {
        message: "Validation Failed",
        errors: [{ resource: "DeploymentStatus", code: "invalid", field: "state" }],
        documentation_url: "https://docs.github.com/rest/deployments/statuses#create-a-deployment-status",
      });
    }
    const status = {
      state: body.state,
      description: typeof body.description === "string" ? body.description : "",
      ...(typeof body.log_url === "string" ? { log_url: body.log_url } : {}),
    };
    d.statuses.push(status);
    return json(201, { id: d.statuses.length, ...status, environment: d.environment });
  }
}
