import type { KubeConfig } from "@kubernetes/client-node";
import type { Duration } from "../core/duration.ts";
import { InputError, UsageError } from "../core/errors.ts";
import { countingFetch } from "./counting-fetch.ts";
import type { SmokeExpectations } from "./expectations.ts";
import type { Sources } from "./observe.ts";
import { type Clock, pollUntilPassed, type SmokeRun } from "./poller.ts";
import type { Fetch } from "./sources.ts";

/**
 * How to reach Prometheus: a URL, or the Kubernetes API service proxy of a kubeconfig (a
 * file and context, or one built for the run, as for a GKE cluster).
 */
export type PrometheusAccess =
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "cluster"; readonly kubeconfig?: string; readonly context?: string }
  | { readonly kind: "kube"; readonly config: () => Promise<KubeConfig> };

export interface SmokeRequest {
  /** What the environment must look like (expectationsFromManifests works it out from the manifests). */
  readonly expectations: SmokeExpectations;
  readonly access: PrometheusAccess;
  readonly grafanaUrl?: string;
  readonly timeout: Duration;
  /** GRAFANA_TOKEN, or GRAFANA_USER and GRAFANA_PASSWORD, are read from here. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly fetch: Fetch;
  readonly clock: Clock;
  readonly open: OpenSources;
  readonly progress?: (line: string) => void;
}

/** Where a run's Prometheus, scraper and Grafana are and who may read them. */
export type SourceReach = Pick<SmokeRequest, "access" | "grafanaUrl" | "env">;

/**
 * Builds the sources a run reads (openSources in ./adapters, or fakes in tests), each
 * sending every request through `fetch` so the run can count and bound them.
 */
export type OpenSources = (reach: SourceReach, fetch: Fetch) => Promise<Sources>;

export interface SmokeOutcome {
  readonly run: SmokeRun;
  /** HTTP requests made over the whole run. */
  readonly requests: number;
}

export function parseHttpUrl(value: string, field: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InputError(`"${value}" is not a URL`, undefined, field);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new InputError(`${url.protocol} is not http: or https:`, undefined, field);
  return value;
}

/**
 * Exactly one of a Prometheus URL or the cluster route. The kubeconfig is --kubeconfig, else
 * every path in $KUBECONFIG; with neither, loadKubeConfig looks where kubectl does.
 */
export function accessFrom(input: {
  readonly prometheusUrl?: string;
  readonly viaCluster: boolean;
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}): PrometheusAccess {
  if ((input.prometheusUrl === undefined) === !input.viaCluster)
    throw new UsageError("give exactly one of --prometheus URL or --via-cluster");
  if (input.prometheusUrl !== undefined)
    return { kind: "url", url: parseHttpUrl(input.prometheusUrl, "--prometheus") };
  const kubeconfig = input.kubeconfig ?? input.env.KUBECONFIG;
  return {
    kind: "cluster",
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(input.context ? { context: input.context } : {}),
  };
}

export function parseCount(text: string, field: string): number {
  if (!/^\d+$/.test(text)) throw new InputError(`"${text}" is not a whole number`, undefined, field);
  return Number(text);
}

/** The whole smoke run behind `flyby smoke` and actions/smoke: build sources, poll, count requests. */
export async function smoke(request: SmokeRequest): Promise<SmokeOutcome> {
  const { expectations } = request;
  // No single request may outlive the whole run.
  const counter = countingFetch((url, init) =>
    request.fetch(url, {
      ...init,
      signal: init?.signal ?? AbortSignal.timeout(request.timeout.milliseconds),
    }),
  );
  const sources = await request.open(request, counter.fetch);
  const run = await pollUntilPassed({
    sources,
    expectations,
    timeout: request.timeout,
    clock: request.clock,
    ...(request.progress ? { progress: request.progress } : {}),
  });
  return { run, requests: counter.count() };
}
