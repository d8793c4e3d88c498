import { formatImageReference, type ImageRef, isDigest, registryOf } from "../bundle/image-ref.ts";
import type { DigestResolver } from "../bundle/pin.ts";
import { EnvironmentError, InputError } from "../core/errors.ts";
import { isRetryableStatus, type RetryPolicy, withRetry } from "../core/retry.ts";

/** Manifest types a tag may point at; the digest of the index is what a node pulls. */
export const manifestAccept = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

export interface BasicCredentials {
  readonly username: string;
  readonly password: string;
}

/** The part of fetch the registry client uses; the wiring passes the real one. */
export type RegistryFetch = (url: string, init: RequestInit) => Promise<Response>;

export interface RegistryOptions {
  readonly fetch: RegistryFetch;
  /** Credentials for the token service of a host, e.g. `oauth2accesstoken` + a Google access token. */
  readonly credentials?: (host: string) => BasicCredentials | undefined;
  /** Hosts spoken to over plain HTTP (a registry on loopback in tests). */
  readonly plainHttp?: readonly string[];
  readonly attempts?: number;
  /** Waits between attempts. */
  readonly sleep: (ms: number) => Promise<void>;
}

/** Parses `Bearer realm="…",service="…",scope="…"`. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const space = header.indexOf(" ");
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(space + 1).matchAll(/([a-zA-Z_]+)="([^"]*)"/g)) {
    params[(m[1] as string).toLowerCase()] = m[2] as string;
  }
  return { scheme, params };
}

/** An answer worth another try (429 or 5xx), thrown so the retry loop sees it. */
class RetryableAnswer extends Error {}

/**
 * Errors of our own (a refusal, a missing tag) are final; anything else is a retryable answer
 * or a connection that failed before one came.
 */
function registryFailure(e: unknown) {
  return { retryable: !(e instanceof EnvironmentError || e instanceof InputError) };
}

/**
 * Resolves tags through the OCI distribution API: HEAD on /v2/<name>/manifests/<tag>,
 * reading Docker-Content-Digest. A 401 with a Bearer challenge (Artifact Registry, Docker
 * Hub, distribution with token auth) is answered by asking the realm for a token.
 */
export class OciDigestResolver implements DigestResolver {
  private readonly fetch: RegistryFetch;
  private readonly attempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly tokens = new Map<string, string>();

  constructor(private readonly options: RegistryOptions) {
    this.fetch = options.fetch;
    this.attempts = options.attempts ?? 4;
    this.sleep = options.sleep;
  }

  async resolve(image: ImageRef): Promise<string> {
    if (!image.tag) throw new InputError(`${image.repository} has neither tag nor digest`);
    const { host, name } = registryOf(image.repository);
    const scheme = this.options.plainHttp?.includes(host) ? "http" : "https";
    const url = `${scheme}://${host}/v2/${name}/manifests/${encodeURIComponent(image.tag)}`;
    const what = formatImageReference(image);
    const res = await this.withRetries(what, host, () => this.head(url, host, name));
    if (res.status === 404) {
      throw new InputError(`the registry has no ${what} (manifest unknown): push it or fix the tag`);
    }
    if (res.status === 401 || res.status === 403) {
      throw new EnvironmentError(
        `the registry ${host} refused access to ${what} (HTTP ${res.status}); check the registry credentials`,
      );
    }
    if (!res.ok) throw new EnvironmentError(`the registry ${host} answered HTTP ${res.status} for ${what}`);
    const digest = res.headers.get("docker-content-digest") ?? "";
    if (!isDigest(digest)) {
      throw new EnvironmentError(`the registry ${host} sent no sha256 Docker-Content-Digest for ${what}`);
    }
    return digest;
  }

  private async head(url: string, host: string, name: string): Promise<Response> {
    const headers: Record<string, string> = { Accept: manifestAccept };
    const cached = this.tokens.get(`${host}/${name}`);
    if (cached) headers.Authorization = `Bearer ${cached}`;
    let res = await this.fetch(url, { method: "HEAD", headers });
    const challenge = res.headers.get("www-authenticate");
    if (res.status === 401 && challenge && !cached) {
      const token = await this.token(host, name, challenge);
      if (token) {
        this.tokens.set(`${host}/${name}`, token);
        res = await this.fetch(url, {
          method: "HEAD",
          headers: { ...headers, Authorization: `Bearer ${token}` },
        });
      }
    }
    if (isRetryableStatus(res.status)) throw new RetryableAnswer(`HTTP ${res.status}`);
    return res;
  }

  private async token(host: string, name: string, challenge: string): Promise<string | undefined> {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme !== "bearer" || !params.realm) return undefined;
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? `repository:${name}:pull`);
    // Credentials go only to a token service on the registry's own host name.
    const creds =
      url.hostname === new URL(`http://${host}`).hostname ? this.options.credentials?.(host) : undefined;
    const headers: Record<string, string> = {};
    if (creds) headers.Authorization = `Basic ${btoa(`${creds.username}:${creds.password}`)}`;
    const res = await this.fetch(url.href, { headers });
    if (isRetryableStatus(res.status)) throw new RetryableAnswer(`token service HTTP ${res.status}`);
    if (!res.ok) {
      throw new EnvironmentError(`the token service of ${host} refused a token (HTTP ${res.status})`);
    }
    const body = (await res.json()) as { token?: string; access_token?: string };
    return body.token ?? body.access_token;
  }

  private async withRetries<T>(what: string, host: string, call: () => Promise<T>): Promise<T> {
    const policy: RetryPolicy = { attempts: this.attempts, baseMs: 250, maxMs: Number.POSITIVE_INFINITY };
    try {
      return await withRetry(call, registryFailure, policy, { sleep: this.sleep });
    } catch (e) {
      if (!registryFailure(e).retryable) throw e;
      throw new EnvironmentError(
        `could not resolve ${what}: the registry ${host} did not answer after ${this.attempts} attempts (${(e as Error).message})`,
      );
    }
  }
}
