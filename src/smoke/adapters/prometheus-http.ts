import { describeCause } from "../../adapters/network-cause.ts";
import { EnvironmentError } from "../../core/errors.ts";
import {
  type ActiveTarget,
  ApiError,
  type Fetch,
  type PrometheusApi,
  type QueryOutcome,
  type RuleGroup,
  type RuntimeInfo,
  type TargetMetadata,
} from "../sources.ts";
import { errorText, isHtml, redactUrl } from "./http.ts";

/**
 * Prometheus's HTTP API over fetch. `base` is the server root, or the Kubernetes service
 * proxy path that leads to it. A request that cannot connect is an EnvironmentError.
 */
export function prometheusOverHttp(base: string, fetch: Fetch): PrometheusApi {
  const root = base.replace(/\/$/, "");
  const get = async (path: string): Promise<{ status: number; body: string }> => {
    let response: Response;
    try {
      response = await fetch(`${root}${path}`, { headers: { accept: "application/json" } });
    } catch (e) {
      // Through the service proxy, the API server's own failure already says what was not reached.
      if (e instanceof EnvironmentError) throw e;
      throw new EnvironmentError(`Prometheus at ${redactUrl(root)} is unreachable: ${describeCause(e)}`, {
        cause: e,
      });
    }
    return { status: response.status, body: await response.text() };
  };
  // Some other web server at the URL answers with pages for people.
  const failure = (status: number, body: string): string =>
    isHtml(body)
      ? `${errorText(status, body)}, not the Prometheus API; is ${redactUrl(root)} Prometheus?`
      : errorText(status, body);
  const data = async <T>(path: string): Promise<T> => {
    const { status, body } = await get(path);
    if (status < 200 || status > 299) throw new ApiError(status, `${path}: ${failure(status, body)}`);
    const json = JSON.parse(body) as { status: string; data: T };
    return json.data;
  };
  return {
    async ready() {
      const { status, body } = await get("/-/ready");
      return { ready: status === 200, detail: status === 200 ? "" : failure(status, body) };
    },
    runtimeInfo: () => data<RuntimeInfo>("/api/v1/status/runtimeinfo"),
    rules: async () => (await data<{ groups: RuleGroup[] }>("/api/v1/rules")).groups,
    targets: async () =>
      (await data<{ activeTargets: ActiveTarget[] }>("/api/v1/targets?state=active")).activeTargets,
    targetMetadata: (matchTarget) =>
      data<TargetMetadata[]>(`/api/v1/targets/metadata?match_target=${encodeURIComponent(matchTarget)}`),
    async query(expr, time) {
      const params = new URLSearchParams({ query: expr, time: (time / 1000).toFixed(3) });
      const { status, body } = await get(`/api/v1/query?${params}`);
      if (status < 200 || status > 299) return { ok: false, error: failure(status, body) };
      try {
        const json = JSON.parse(body) as { data: { resultType: string; result: unknown } };
        return { ok: true, ...json.data } as QueryOutcome;
      } catch {
        return { ok: false, error: `not a Prometheus answer: ${errorText(status, body)}` };
      }
    },
  };
}
