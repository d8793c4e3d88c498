import { LoopbackFake } from "../loopback.ts";

/**
 * A loopback stand-in for the GKE API (container.googleapis.com v1), answering
 * `projects.locations.clusters.get` as the REST API does: the Cluster resource as JSON, or
 * a google.rpc.Status error body (404 NOT_FOUND, 403 PERMISSION_DENIED, 401 UNAUTHENTICATED).
 */
export interface FakeGkeCluster {
  readonly endpoint: string;
  /** Base64 of the PEM CA bundle, as masterAuth.clusterCaCertificate carries it. */
  readonly clusterCaCertificate: string;
  readonly location?: string;
}

export interface FakeGkeOptions {
  /** Cluster path (`projects/P/locations/L/clusters/C`) → cluster. */
  readonly clusters: Readonly<Record<string, FakeGkeCluster>>;
  /** Tokens the API accepts. */
  readonly tokens: readonly string[];
  /** Clusters the token may not read (403). */
  readonly denied?: readonly string[];
}

export interface FakeGkeRequest {
  readonly method: string;
  readonly path: string;
  readonly token: string | undefined;
}

const rpcError = (code: number, status: string, message: string, details: unknown[] = []) =>
  new Response(JSON.stringify({ error: { code, message, status, ...(details.length ? { details } : {}) } }), {
    status: code,
    headers: { "Content-Type": "application/json; charset=UTF-8" },
  });

export class FakeGke extends LoopbackFake {
  readonly requests: FakeGkeRequest[] = [];

  constructor(private readonly options: FakeGkeOptions) {
    super();
  }

  get port(): number {
    return Number(new URL(this.url).port);
  }

  handle(req: Request): Response {
    const url = new URL(req.url);
    const token = req.headers.get("Authorization")?.replace(/^Bearer\s+/i, "");
    this.requests.push({ method: req.method, path: url.pathname, token });
    const match = url.pathname.match(/^\/v1\/(projects\/[^/]+\/locations\/[^/]+\/clusters\/[^/]+)$/);
    if (req.method !== "GET" || !match) {
      return rpcError(404, "NOT_FOUND", `Method not found: ${req.method} ${url.pathname}`);
    }
    if (!token || !this.options.tokens.includes(token)) {
      return rpcError(
        401,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
      );
    }
    const name = match[1] as string;
    if (this.options.denied?.includes(name)) {
      return rpcError(
        403,
        "PERMISSION_DENIED",
        `Required "container.clusters.get" permission(s) for "${name}".`,
        [
          {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            reason: "IAM_PERMISSION_DENIED",
            domain: "container.googleapis.com",
            metadata: { permission: "container.clusters.get", resource: name },
          },
        ],
      );
    }
    const cluster = this.options.clusters[name];
    if (!cluster) return rpcError(404, "NOT_FOUND", `Not found: ${name}.`);
    const [, project, , location, , clusterName] = name.split("/");
    return new Response(
      JSON.stringify({
        name: clusterName,
        location: cluster.location ?? location,
        selfLink: `https://container.googleapis.com/v1/${name}`,
        endpoint: cluster.endpoint,
        status: "RUNNING",
        currentMasterVersion: "1.26.15-gke.1000",
        masterAuth: { clusterCaCertificate: cluster.clusterCaCertificate },
        id: `fake-${project}-${clusterName}`,
      }),
      { status: 200, headers: { "Content-Type": "application/json; charset=UTF-8" } },
    );
  }
}
