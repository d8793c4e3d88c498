import { ApiException } from "@kubernetes/client-node";
import { ApiFailure, NetworkFailure } from "../../apply/port.ts";
import { describeCause } from "../network-cause.ts";

/**
 * The one mapping from what client-node throws to the port's failures: a Status the API
 * answered with becomes an ApiFailure, a connection that broke a NetworkFailure naming the API
 * server's URL and the cause. The feature folders decide from these what a failure means for
 * the contract (apply/failure.ts: input, conflict or environment).
 */

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

/** Credentials the kubeconfig could not produce: an exec plugin or an auth provider that failed. */
export function cannotAuthenticate(server: string, e: unknown): string {
  return `cannot authenticate to ${server}: ${e instanceof Error ? e.message : String(e)}`;
}

/** A request the API server refused (401, 403), with the message of the Status it answered. */
export function requestRefused(server: string, status: number, body: string): string {
  let message: unknown;
  try {
    message = (JSON.parse(body) as StatusBody).message;
  } catch {
    // not a Status: the code alone says it
  }
  const reason = typeof message === "string" && message.trim() !== "" ? message.trim() : `HTTP ${status}`;
  return `the Kubernetes API at ${server} refused the request (${status}): ${reason}`;
}

/** How to get credentials for a GKE cluster, for messages about missing or rejected ones. */
export const gkeCredentialsHint =
  "for GKE, pass --gke projects/P/locations/L/clusters/C (apply, deploy, promote) to use application default credentials (`gcloud auth application-default login`, or the runner's workload identity), or write a kubeconfig with `gcloud container clusters get-credentials C --location L --project P`";

/** A 401: the server did not accept who we said we are. kubectl reads "You must be logged in to the server (Unauthorized)". */
export function credentialsRejected(server: string): string {
  return `the Kubernetes API at ${server} rejected the credentials: the token or certificate is not valid or has expired; ${gkeCredentialsHint}`;
}

/** The parts of a Kubernetes Status error body flyby reports. */
interface StatusBody {
  message?: string;
  readonly reason?: string;
  readonly details?: {
    readonly kind?: string;
    readonly causes?: { field?: string; message?: string; reason?: string }[];
  };
}

/** A Status from an error body, which client-node hands over as text or as parsed JSON. */
function statusOf(body: unknown): StatusBody {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as StatusBody;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
  return undefined;
}

/**
 * client-node's errors as the apply core's: an API answer, or a connection that broke. A
 * broken connection names the API server's URL (`server`) and the cause.
 */
export function toFailure(e: unknown, server = "(unknown server)"): Error {
  if (e instanceof KubeNetworkFailure) return e.plain();
  if (e instanceof ApiException) {
    if (e.code === 401) return new ApiFailure(401, "Unauthorized", credentialsRejected(server));
    const status = statusOf(e.body);
    const retryAfter = Number(headerOf(e.headers, "retry-after"));
    return new ApiFailure(e.code, status.reason ?? "", status.message ?? `HTTP ${e.code}`, {
      ...(status.details?.causes ? { causes: status.details.causes } : {}),
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  if (message.startsWith("Unrecognized API version and kind"))
    return new ApiFailure(404, "NotFound", message);
  if (e instanceof NetworkFailure) return e;
  return unreachable(server, e).plain();
}

/** Why a watch ended: the status it was answered with, or the connection's failure. */
export function watchFailure(e: unknown, url: string, server: string): Error {
  const status = (e as { statusCode?: unknown }).statusCode;
  if (typeof status === "number") {
    return new NetworkFailure(`the watch of ${url} was answered ${status} ${(e as Error).message}`);
  }
  return toFailure(e, server);
}
