import type { KubeConfig } from "@kubernetes/client-node";
import { unreachable } from "../../adapters/kube/errors.ts";
import { EnvironmentError, InputError } from "../../core/errors.ts";
import type { ActiveTarget, Fetch, PodScraper } from "../sources.ts";
import { errorText } from "./http.ts";
import { scrapeAccept } from "./scrape-http.ts";

/** Where Prometheus sits in the cluster, behind the API server's service proxy. */
export const prometheusService = { namespace: "observability", name: "prometheus", port: 9090 } as const;

export interface KubeProxy {
  /** The API server URL, without a trailing slash. */
  readonly server: string;
  /** fetch with the kubeconfig's credentials and TLS settings applied. */
  readonly fetch: Fetch;
}

/**
 * Authenticated fetch to the API server of the kubeconfig's current context. Credentials
 * come from KubeConfig.applyToFetchOptions; TLS material goes to Bun's fetch `tls` option.
 */
export async function kubeProxy(kc: KubeConfig, inner: Fetch = fetch): Promise<KubeProxy> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new InputError("the kubeconfig has no current cluster", undefined, "current-context");
  const https: {
    ca?: Buffer;
    cert?: Buffer;
    key?: Buffer;
    rejectUnauthorized?: boolean;
  } = {};
  let headers: Headers;
  try {
    headers = (await kc.applyToFetchOptions(https as never)).headers as unknown as Headers;
  } catch (e) {
    throw new EnvironmentError(`cannot authenticate to ${cluster.server}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  const tls = {
    ...(https.ca ? { ca: https.ca.toString() } : {}),
    ...(https.cert ? { cert: https.cert.toString() } : {}),
    ...(https.key ? { key: https.key.toString() } : {}),
    ...(https.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
  const server = cluster.server.replace(/\/$/, "");
  return {
    server,
    async fetch(url, init) {
      const merged = new Headers(init?.headers);
      for (const [key, value] of headers) merged.set(key, value);
      let response: Response;
      try {
        response = await inner(url, { ...init, headers: merged, tls } as RequestInit);
      } catch (e) {
        throw new EnvironmentError(unreachable(server, e).text, { cause: e });
      }
      if (response.status === 401 || response.status === 403) {
        const reason = errorText(response.status, await response.text());
        throw new EnvironmentError(
          `the Kubernetes API at ${server} refused the request (${response.status}): ${reason}`,
        );
      }
      return response;
    },
  };
}

/** `/api/v1/namespaces/observability/services/prometheus:9090/proxy` on the API server. */
export function prometheusProxyBase(proxy: KubeProxy): string {
  const s = prometheusService;
  return `${proxy.server}/api/v1/namespaces/${s.namespace}/services/${s.name}:${s.port}/proxy`;
}

/** Reads a pod's /metrics through `/api/v1/namespaces/<ns>/pods/<pod>:<port>/proxy/<path>`. */
export function podProxyScraper(proxy: KubeProxy): PodScraper {
  return {
    async scrape(target: ActiveTarget) {
      const { namespace, pod } = target.labels;
      if (!namespace || !pod)
        throw new Error(`target ${target.scrapeUrl} has no namespace/pod label to proxy to`);
      const url = new URL(target.scrapeUrl);
      const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${url.port || 80}/proxy${url.pathname}${url.search}`;
      const r = await proxy.fetch(`${proxy.server}${path}`, { headers: { accept: scrapeAccept } });
      return { status: r.status, contentType: r.headers.get("content-type"), body: await r.text() };
    },
  };
}
