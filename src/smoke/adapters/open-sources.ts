import { kubeApiFetch } from "../../adapters/kube/api-fetch.ts";
import { loadKubeConfig } from "../../adapters/kube/kubeconfig.ts";
import type { Sources } from "../observe.ts";
import type { SourceReach } from "../run.ts";
import type { Fetch } from "../sources.ts";
import { grafanaCredentialsFrom, grafanaOverHttp } from "./grafana-http.ts";
import { podProxyScraper, prometheusProxyBase } from "./kube-proxy.ts";
import { prometheusOverHttp } from "./prometheus-http.ts";
import { directScraper } from "./scrape-http.ts";

/**
 * Prometheus and its targets over HTTP: straight at a URL, or through the Kubernetes API
 * server's service and pod proxies of a kubeconfig; Grafana over HTTP when a URL is given.
 */
export async function openSources(reach: SourceReach, fetch: Fetch): Promise<Sources> {
  const grafana = reach.grafanaUrl
    ? { grafana: grafanaOverHttp(reach.grafanaUrl, fetch, grafanaCredentialsFrom(reach.env)) }
    : {};
  if (reach.access.kind === "url")
    return {
      prometheus: prometheusOverHttp(reach.access.url, fetch),
      scraper: directScraper(fetch),
      ...grafana,
    };
  const config =
    reach.access.kind === "kube"
      ? await reach.access.config()
      : loadKubeConfig({
          ...(reach.access.kubeconfig ? { kubeconfig: reach.access.kubeconfig } : {}),
          ...(reach.access.context ? { context: reach.access.context } : {}),
          env: reach.env,
        });
  const proxy = await kubeApiFetch(config, fetch);
  return {
    prometheus: prometheusOverHttp(prometheusProxyBase(proxy), proxy.fetch),
    scraper: podProxyScraper(proxy),
    ...grafana,
  };
}
