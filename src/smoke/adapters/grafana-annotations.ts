/**
 * Deploy annotations on Grafana: when a deploy, promotion or rollback finishes, flyby writes one
 * annotation through `POST /api/annotations`, and every dashboard shows them per environment.
 */
import { deployAnnotationTags } from "../../dashboards/annotation-tags.ts";
import type { DeployAnnotations } from "../../promote/ports.ts";
import type { GrafanaCredentials } from "./grafana-http.ts";

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/** DeployAnnotations on Grafana's HTTP API, with a service-account token or a user and password. */
export function grafanaAnnotations(
  base: string,
  fetch: Fetch,
  credentials: GrafanaCredentials,
): DeployAnnotations {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (credentials.token) headers.authorization = `Bearer ${credentials.token}`;
  else if (credentials.user !== undefined)
    headers.authorization = `Basic ${btoa(`${credentials.user}:${credentials.password ?? ""}`)}`;
  const url = `${base.replace(/\/$/, "")}/api/annotations`;
  return {
    async annotate(a) {
      const body = JSON.stringify({ time: a.time, tags: deployAnnotationTags(a.environment), text: a.text });
      const response = await fetch(url, { method: "POST", headers, body });
      if (response.ok) return;
      const answer = (await response.json().catch(() => ({}))) as { message?: unknown };
      const message = typeof answer.message === "string" ? answer.message : response.statusText;
      throw new Error(`Grafana answered ${response.status} to POST /api/annotations: ${message}`);
    },
  };
}
