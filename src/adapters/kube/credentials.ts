import {
  HttpMethod,
  type KubeConfig,
  RequestContext,
  type SecurityAuthentication,
} from "@kubernetes/client-node";

/**
 * How long worked-out credentials are reused by default: well inside any token's lifetime
 * (token sources such as google-auth-library refresh minutes before a token expires).
 */
export const defaultCredentialsReuseMs = 5_000;

interface Worked {
  readonly headers: Readonly<Record<string, string>>;
  readonly agent: ReturnType<RequestContext["getAgent"]>;
}

/**
 * The kubeconfig's credentials (token, exec plugin, client certificate) and TLS agent, worked
 * out by client-node at most once every `reuseMs` instead of on every request. Per request,
 * client-node builds a new agent and reads the credentials again; on a fleet of a thousand
 * objects that costs as much as the requests, and one agent also keeps connections alive.
 */
export class ReusedCredentials implements SecurityAuthentication {
  private worked: Promise<Worked> | undefined;
  private workedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly kc: KubeConfig,
    private readonly reuseMs = defaultCredentialsReuseMs,
    private readonly now: () => number = Date.now,
  ) {}

  getName(): string {
    return "kubeconfig";
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    if (!this.worked || this.now() - this.workedAt >= this.reuseMs) {
      this.workedAt = this.now();
      this.worked = this.workOut();
      // A failure (an exec plugin that failed) is not kept: the next request asks again.
      this.worked.catch(() => {
        this.worked = undefined;
      });
    }
    const { headers, agent } = await this.worked;
    for (const [name, value] of Object.entries(headers)) context.setHeaderParam(name, value);
    if (agent) context.setAgent(agent);
  }

  private async workOut(): Promise<Worked> {
    const scratch = new RequestContext(
      this.kc.getCurrentCluster()?.server ?? "http://localhost",
      HttpMethod.GET,
    );
    await this.kc.applySecurityAuthentication(scratch);
    return { headers: scratch.getHeaders(), agent: scratch.getAgent() };
  }
}
