import type { KubeConfig } from "@kubernetes/client-node";
import { EnvironmentError, InputError } from "../../core/errors.ts";
import type { Fetch } from "../../smoke/sources.ts";
import { type KubeCredentials, kubeCredentials, withCredentials } from "./credentials.ts";
import { cannotAuthenticate, requestRefused, unreachable } from "./errors.ts";

/** Requests to the API server of a kubeconfig's current context, e.g. through its proxies. */
export interface KubeApiFetch {
  /** The API server URL, without a trailing slash. */
  readonly server: string;
  /**
   * fetch with the kubeconfig's credentials and TLS settings. A connection that fails, and an
   * answer of 401 or 403, are an EnvironmentError naming the server and the cause.
   */
  readonly fetch: Fetch;
}

/** A Service port on the cluster, e.g. Prometheus's `observability/prometheus:9090`. */
export interface ServicePort {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
}

/** `/api/v1/namespaces/<ns>/services/<name>:<port>/proxy`: the API server's proxy to a Service. */
export function serviceProxyPath(service: ServicePort): string {
  return `/api/v1/namespaces/${service.namespace}/services/${service.name}:${service.port}/proxy`;
}

/** `/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy`: the API server's proxy to a Pod's port. */
export function podProxyPath(namespace: string, pod: string, port: string | number): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${port}/proxy`;
}

/**
 * Authenticated requests through `inner` to the API server of the kubeconfig's current
 * context. The credentials are worked out once, here, so a kubeconfig that cannot produce them
 * fails before the first request. TLS material goes to Bun's fetch `tls` option.
 */
export async function kubeApiFetch(kc: KubeConfig, inner: Fetch): Promise<KubeApiFetch> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new InputError("the kubeconfig has no current cluster", undefined, "current-context");
  let credentials: KubeCredentials;
  try {
    credentials = await kubeCredentials(kc);
  } catch (e) {
    throw new EnvironmentError(cannotAuthenticate(cluster.server, e), { cause: e });
  }
  const server = cluster.server.replace(/\/$/, "");
  return {
    server,
    async fetch(url, init) {
      let response: Response;
      try {
        response = await inner(url, withCredentials(init, credentials));
      } catch (e) {
        throw new EnvironmentError(unreachable(server, e).text, { cause: e });
      }
      if (response.status === 401 || response.status === 403) {
        throw new EnvironmentError(requestRefused(server, response.status, await response.text()));
      }
      return response;
    },
  };
}
