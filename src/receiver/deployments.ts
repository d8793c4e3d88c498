import { githubRequest, repoUrl } from "./github-api.ts";

/** The latest deployment that reached an environment. */
export interface Deployment {
  readonly environment: string;
  /** The tag or branch deployed, e.g. v1.4.2. */
  readonly ref: string;
  readonly sha: string;
  /** When it reached the environment (its last successful status, else its creation), epoch ms. */
  readonly reachedAt: number;
}

export interface DeploymentSource {
  latest(environment: string): Promise<Deployment | undefined>;
}

export function formatAge(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 1) return "under a minute";
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} days`;
}

/** "fired 4 min after v1.4.2 reached production". */
export function deployContext(startsAtMs: number, d: Deployment): string {
  const delta = startsAtMs - d.reachedAt;
  return delta >= 0
    ? `fired ${formatAge(delta)} after ${d.ref} reached ${d.environment}`
    : `fired ${formatAge(delta)} before ${d.ref} reached ${d.environment}`;
}

export interface GithubDeploymentsOptions {
  readonly repo: string;
  readonly token: string;
  readonly apiUrl: string;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly now: () => number;
  readonly cacheMs?: number;
}

/** Reads GitHub Deployments, caching each environment's answer for a minute. */
export class GithubDeployments implements DeploymentSource {
  private readonly cache = new Map<string, { at: number; value: Deployment | undefined }>();
  constructor(private readonly o: GithubDeploymentsOptions) {}

  async latest(environment: string): Promise<Deployment | undefined> {
    const hit = this.cache.get(environment);
    const now = this.o.now();
    if (hit && now - hit.at < (this.o.cacheMs ?? 60_000)) return hit.value;
    const value = await this.fetchLatest(environment).catch(() => hit?.value);
    this.cache.set(environment, { at: now, value });
    return value;
  }

  private async get<T>(path: string): Promise<T> {
    const res = await this.o.fetch(repoUrl(this.o.apiUrl, this.o.repo, path), {
      ...githubRequest(this.o.token, "GET"),
      signal: AbortSignal.timeout(2000),
    });
    if (!res.ok) throw new Error(`github deployments answered ${res.status}`);
    return (await res.json()) as T;
  }

  private async fetchLatest(environment: string): Promise<Deployment | undefined> {
    const [d] = await this.get<{ id: number; ref: string; sha: string; created_at: string }[]>(
      `/deployments?environment=${encodeURIComponent(environment)}&per_page=1`,
    );
    if (!d) return undefined;
    const statuses = await this.get<{ state: string; created_at: string }[]>(
      `/deployments/${d.id}/statuses?per_page=10`,
    );
    const success = statuses.find((s) => s.state === "success");
    return {
      environment,
      ref: d.ref,
      sha: d.sha,
      reachedAt: Date.parse(success?.created_at ?? d.created_at),
    };
  }
}
