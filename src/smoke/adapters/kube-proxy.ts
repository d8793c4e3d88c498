import { type KubeApiFetch, podProxyPath, serviceProxyPath } from "../../adapters/kube/api-fetch.ts";
import type { ActiveTarget, PodScraper } from "../sources.ts";
import { scrapeAccept } from "./scrape-http.ts";

/** Where Prometheus sits in the cluster, behind the API server's service proxy. */
export const prometheusService = { namespace: "observability", name: "prometheus", port: 9090 } as const;

/** Prometheus's base URL through the API server's service proxy. */
export function prometheusProxyBase(api: KubeApiFetch): string {
  return `${api.server}${serviceProxyPath(prometheusService)}`;
}

/** Reads a pod's /metrics through the API server's pod proxy. */
export function podProxyScraper(api: KubeApiFetch): PodScraper {
  return {
    async scrape(target: ActiveTarget) {
      const { namespace, pod } = target.labels;
      if (!namespace || !pod)
        throw new Error(`target ${target.scrapeUrl} has no namespace/pod label to proxy to`);
      const url = new URL(target.scrapeUrl);
      const path = `${podProxyPath(namespace, pod, url.port || 80)}${url.pathname}${url.search}`;
      const r = await api.fetch(`${api.server}${path}`, { headers: { accept: scrapeAccept } });
      return { status: r.status, contentType: r.headers.get("content-type"), body: await r.text() };
    },
  };
}
