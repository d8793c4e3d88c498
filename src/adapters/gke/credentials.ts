import { ClusterManagerClient } from "@google-cloud/container";
import { KubeConfig, type User } from "@kubernetes/client-node";
import { type AuthClient, GoogleAuth } from "google-auth-library";
import { EnvironmentError } from "../../core/errors.ts";
import { KubeApplyTarget, type KubeTargetOptions } from "../kube/target.ts";

/** How to get Application Default Credentials, locally and in a workflow. */
const adcHint =
  "Run `gcloud auth application-default login`, or in GitHub Actions use Workload Identity Federation (google-github-actions/auth) before flyby";

/**
 * Application Default Credentials for the GKE API. Off Google Cloud, google-auth-library's
 * probe of the metadata server prints a MetadataLookupWarning under Bun; the failure below
 * says what matters, so that one warning is held back while the probe runs.
 */
export async function applicationDefaultCredentials(
  auth: { getClient(): Promise<AuthClient> } = new GoogleAuth({
    scopes: ["https://www.googleapis.com/auth/cloud-platform"],
  }),
): Promise<AuthClient> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === "MetadataLookupWarning") return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await auth.getClient();
  } catch (e) {
    // The library's own sentence ends with a link to a general page; the hint replaces it.
    const reason = (e as Error).message.replace(/\s*Browse to .*$/s, "");
    throw new EnvironmentError(`no Google Cloud credentials: ${reason} ${adcHint}`, { cause: e });
  } finally {
    process.emitWarning = emitWarning;
  }
}

/** Where the GKE API is; tests point it at a loopback fake. */
export interface GkeApiOptions {
  readonly apiEndpoint?: string;
  readonly port?: number;
  readonly protocol?: "http" | "https";
}

export interface GkeCluster {
  readonly path: string;
  readonly server: string;
  /** Base64 of the PEM CA bundle. */
  readonly caData: string;
}

/** A source of short-lived access tokens; google-auth-library refreshes them before they expire. */
export interface TokenSource {
  token(): Promise<string>;
}

export function tokenSourceOf(auth: AuthClient): TokenSource {
  return {
    async token() {
      const { token } = await auth.getAccessToken();
      if (!token) throw new EnvironmentError("Application Default Credentials gave no access token");
      return token;
    },
  };
}

interface GoogleError {
  readonly code?: number;
  readonly message?: string;
  readonly details?: string;
}

/** Reads the cluster's endpoint and CA with the GKE REST API (projects.locations.clusters.get). */
export async function resolveGkeCluster(
  path: string,
  auth: AuthClient,
  api: GkeApiOptions = {},
): Promise<GkeCluster> {
  const client = new ClusterManagerClient({
    fallback: "rest",
    // google-gax carries its own copy of google-auth-library: same runtime shape, distinct types.
    authClient: auth as never,
    ...(api.apiEndpoint ? { apiEndpoint: api.apiEndpoint } : {}),
    ...(api.port ? { port: api.port } : {}),
    ...(api.protocol ? { protocol: api.protocol } : {}),
  });
  try {
    const [cluster] = await client.getCluster({ name: path });
    const endpoint = cluster.endpoint;
    const caData = cluster.masterAuth?.clusterCaCertificate;
    if (!endpoint || !caData)
      throw new EnvironmentError(`GKE cluster ${path} has no endpoint or CA certificate`);
    return { path, server: endpoint.includes("://") ? endpoint : `https://${endpoint}`, caData };
  } catch (e) {
    if (e instanceof EnvironmentError) throw e;
    const g = e as GoogleError;
    const what =
      g.code === 404 || g.code === 5
        ? "not found"
        : g.code === 403 || g.code === 7
          ? "permission denied"
          : "failed";
    throw new EnvironmentError(`GKE getCluster ${path}: ${what}: ${g.message ?? String(e)}`, { cause: e });
  } finally {
    await client.close();
  }
}

const authProviderName = "flyby-gke-adc";

/**
 * A kubeconfig for a GKE cluster whose bearer token is asked for whenever client-node works out
 * the credentials (every few seconds, see ReusedCredentials), so a rollout that outlives the
 * token's hour keeps working.
 */
export function gkeKubeConfig(cluster: GkeCluster, tokens: TokenSource): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: cluster.path, server: cluster.server, caData: cluster.caData, skipTLSVerify: false }],
    users: [{ name: "adc", authProvider: { name: authProviderName, config: {} } }],
    contexts: [{ name: cluster.path, cluster: cluster.path, user: "adc" }],
    currentContext: cluster.path,
  });
  kc.addAuthenticator({
    isAuthProvider: (user: User) => user.authProvider?.name === authProviderName,
    applyAuthentication: async (_user, opts) => {
      const headers = (opts.headers ?? {}) as Record<string, string>;
      headers.Authorization = `Bearer ${await tokens.token()}`;
      opts.headers = headers;
    },
  });
  return kc;
}

/** An apply target for a GKE cluster: endpoint and CA from the GKE API, a token kept fresh. */
export async function gkeApplyTarget(
  path: string,
  auth: AuthClient,
  api: GkeApiOptions = {},
  tokens: TokenSource = tokenSourceOf(auth),
  options: KubeTargetOptions = {},
): Promise<KubeApplyTarget> {
  const cluster = await resolveGkeCluster(path, auth, api);
  return new KubeApplyTarget(gkeKubeConfig(cluster, tokens), `gke:${path}`, options);
}
