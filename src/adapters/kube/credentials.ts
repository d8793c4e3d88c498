import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent, RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

/**
 * How long worked-out credentials are reused by default: well inside any token's lifetime
 * (token sources such as google-auth-library refresh minutes before a token expires).
 */
export const defaultCredentialsReuseMs = 5_000;

/** The TLS settings of a request, as Bun's fetch takes them (its `tls` option). */
export interface FetchTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly rejectUnauthorized?: false;
}

/** What every request to the API server carries, worked out from the kubeconfig. */
export interface KubeCredentials {
  /** Authorization (bearer token, exec plugin, auth provider, basic) and impersonation. */
  readonly headers: Readonly<Record<string, string>>;
  /** The agent client-node's own requests go through (TLS, or an HTTP proxy). */
  readonly agent: HttpAgent | HttpsAgent;
  /** The same TLS material, for a request sent with fetch. */
  readonly tls: FetchTls;
}

/**
 * The one way a kubeconfig becomes an authenticated request: client-node reads the current
 * context's user and cluster (running an exec plugin or an auth provider when there is one)
 * into https options, which become headers, an agent and fetch's TLS settings.
 */
export async function kubeCredentials(kc: KubeConfig): Promise<KubeCredentials> {
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const headers: Record<string, string> = {};
  if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString("base64")}`;
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value !== undefined) headers[name] = String(value);
  }
  const text = (pem: unknown) => (pem ? String(pem) : undefined);
  const [ca, cert, key] = [text(options.ca), text(options.cert), text(options.key)];
  const tls: FetchTls = {
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(options.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
  return { headers, agent: options.agent as HttpAgent | HttpsAgent, tls };
}

/**
 * `init` as it goes to Bun's fetch with `credentials`: their headers over any of the same
 * name, and their TLS settings.
 */
export function withCredentials(init: RequestInit | undefined, credentials: KubeCredentials): RequestInit {
  const headers = new Headers(init?.headers);
  for (const [name, value] of Object.entries(credentials.headers)) headers.set(name, value);
  return { ...init, headers, tls: credentials.tls } as RequestInit;
}

/**
 * The kubeconfig's credentials (token, exec plugin, client certificate) and TLS settings,
 * worked out by client-node at most once every `reuseMs` instead of for every request: on a
 * fleet of a thousand objects that would cost as much as the requests (an exec plugin runs a
 * process each time), and the watches' one agent keeps their connections alive.
 */
export class ReusedCredentials {
  private worked: Promise<KubeCredentials> | undefined;
  private workedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly kc: KubeConfig,
    private readonly reuseMs = defaultCredentialsReuseMs,
    private readonly now: () => number = Date.now,
  ) {}

  /** The credentials for a request now: the ones worked out last, or new ones once they are too old. */
  current(): Promise<KubeCredentials> {
    if (!this.worked || this.now() - this.workedAt >= this.reuseMs) {
      this.workedAt = this.now();
      this.worked = kubeCredentials(this.kc);
      // A failure (an exec plugin that failed) is not kept: the next request asks again.
      this.worked.catch(() => {
        this.worked = undefined;
      });
    }
    return this.worked;
  }
}
