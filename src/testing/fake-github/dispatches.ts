import { type FakeGitHubRoutes, json } from "./server.ts";

/**
 * Repository dispatch events as GitHub's REST API documents them
 * (docs.github.com/rest/repos/repos#create-a-repository-dispatch-event): 204 with no body;
 * 422 without an event_type of 1 to 100 characters or with more than 10 top-level
 * client_payload properties.
 */

const docs = "https://docs.github.com/rest/repos/repos#create-a-repository-dispatch-event";

export interface StoredDispatch {
  readonly owner: string;
  readonly repo: string;
  readonly event_type: string;
  readonly client_payload: Record<string, unknown>;
}

export class FakeDispatches implements FakeGitHubRoutes {
  readonly dispatches: StoredDispatch[] = [];

  async handle(req: Request, url: URL): Promise<Response | undefined> {
    const m = /^\/repos\/([^/]+)\/([^/]+)\/dispatches$/.exec(url.pathname);
    if (!m || req.method !== "POST") return undefined;
    const [, owner = "", repo = ""] = m;
    const body = (await req.json().catch(() => undefined)) as
      | { event_type?: unknown; client_payload?: unknown }
      | undefined;
    const eventType = body?.event_type;
    if (typeof eventType !== "string" || eventType.length < 1 || eventType.length > 100) {
      return json(422, {
        message: 'Invalid request.\n\nNo subschema in "anyOf" matched.',
        documentation_url: docs,
      });
    }
    const payload = body?.client_payload ?? {};
    if (typeof payload !== "object" || payload === null || Array.isArray(payload)) {
      return json(422, {
        message: "Invalid request.\n\nFor 'properties/client_payload', it is not an object.",
        documentation_url: docs,
      });
    }
    if (Object.keys(payload).length > 10) {
      return json(422, {
        message: "Invalid request.\n\nclient_payload may have no more than 10 top-level properties.",
        documentation_url: docs,
      });
    }
    this.dispatches.push({
      owner,
      repo,
      event_type: eventType,
      client_payload: payload as Record<string, unknown>,
    });
    return new Response(null, { status: 204 });
  }
}
