import { NetworkFailure } from "../apply/port.ts";

/** How long one request to the Kubernetes API may take before the run counts the cluster as failed (exit 3). */
export const defaultRequestTimeoutMs = 30_000;

/**
 * How long a watch may stay silent (no event, no bookmark) before it is dropped and opened again.
 * The server is asked to end each watch before that (`timeoutSeconds`), so a healthy stream
 * never trips it.
 */
export const defaultWatchIdleMs = 60_000;

/** What a socket error code means, in words. */
const causes: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ConnectionRefused: "connection refused",
  ECONNRESET: "connection reset",
  ConnectionClosed: "connection closed",
  EPIPE: "connection closed",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
};

/** `30 s`, `500 ms`. */
export function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/**
 * A failure to reach the API, worded with its URL and cause. Its message stays as written:
 * client-node prefixes the messages of errors it passes on, and this one is read as it is.
 */
export class KubeNetworkFailure extends NetworkFailure {
  readonly text: string;
  constructor(text: string, cause?: unknown, transient = true) {
    super(text, { cause, transient });
    this.name = "NetworkFailure";
    this.text = text;
  }

  /** A plain NetworkFailure with the message as written. */
  plain(): NetworkFailure {
    return new NetworkFailure(this.text, { cause: this.cause, transient: this.transient });
  }
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && code !== "" ? code : undefined;
};

/** `connection refused (ECONNREFUSED)`, or the error's own words when its code is not a socket one. */
export function describeCause(e: unknown): string {
  const code = codeOf(e);
  if (code && causes[code]) return `${causes[code]} (${code})`;
  const message = e instanceof Error ? e.message : String(e);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export interface RequestSite {
  /** The API server as the kubeconfig names it, e.g. `https://127.0.0.1:6443`. */
  readonly server: string;
  readonly method: string;
  /** The request path, e.g. `/apis/apps/v1/namespaces/x/deployments`. */
  readonly path: string;
}

/** A request that took longer than its deadline. */
export function timedOut(site: RequestSite, timeoutMs: number, cause?: unknown): KubeNetworkFailure {
  return new KubeNetworkFailure(
    `the Kubernetes API at ${site.server} did not answer ${site.method} ${site.path} within ${formatMs(timeoutMs)} (request timeout)`,
    cause,
    false,
  );
}

/** A connection that failed before an answer came. */
export function unreachable(server: string, e: unknown): KubeNetworkFailure {
  return new KubeNetworkFailure(`cannot reach the Kubernetes API at ${server}: ${describeCause(e)}`, e);
}

/** How to get credentials for a GKE cluster, for messages about missing or rejected ones. */
export const gkeCredentialsHint =
  "for GKE, pass --gke projects/P/locations/L/clusters/C (apply, deploy, promote) to use application default credentials (`gcloud auth application-default login`, or the runner's workload identity), or write a kubeconfig with `gcloud container clusters get-credentials C --location L --project P`";

/** A 401: the server did not accept who we said we are. kubectl reads "You must be logged in to the server (Unauthorized)". */
export function credentialsRejected(server: string): string {
  return `the Kubernetes API at ${server} rejected the credentials: the token or certificate is not valid or has expired; ${gkeCredentialsHint}`;
}
