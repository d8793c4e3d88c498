import type { ActiveTarget, Fetch, PodScraper } from "../sources.ts";

/** The Accept header Prometheus itself sends: OpenMetrics first, then the text format. */
export const scrapeAccept =
  "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

/** Reads /metrics from the scrape URL Prometheus uses (when the pods are reachable). */
export function directScraper(fetch: Fetch): PodScraper {
  return {
    async scrape(target: ActiveTarget) {
      const r = await fetch(target.scrapeUrl, { headers: { accept: scrapeAccept } });
      return { status: r.status, contentType: r.headers.get("content-type"), body: await r.text() };
    },
  };
}
