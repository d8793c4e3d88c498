import { bearerMatches, verifySignature } from "./auth.ts";
import { isJson, readJsonBody } from "./body.ts";
import type { ReceiverConfig, RouteName } from "./config.ts";
import { type Deployment, type DeploymentSource, deployContext as describeDeploy } from "./deployments.ts";
import { idempotencyKey, type Sha256 } from "./idempotency.ts";
import { DeliveryResult, ReceiverMetrics } from "./metrics.ts";
import { redactNotification } from "./redact.ts";
import { routeTo } from "./routing.ts";
import { type RoutedSink, sinksFromConfig } from "./sinks/index.ts";
import type { Delivery, Http, Outgoing, Sink, SinkMemory } from "./sinks/sink.ts";
import { renderStatusPage, type SinkResult, StatusBoard } from "./status.ts";
import { Claim, type DeliveryStore } from "./store.ts";
import { environmentOf, type Notification, parseWebhook } from "./webhook.ts";

/** Alertmanager payloads are small; anything over this is refused with 413. */
export const MaxBodyBytes = 1024 * 1024;
/** How long sink memory (GitHub issue numbers) is kept. */
const sinkMemoryTtlMs = 90 * 86_400_000;
const busyPollMs = 50;
const firstBackoffMs = 100;

export interface ReceiverDeps {
  readonly config: ReceiverConfig;
  readonly store: DeliveryStore;
  readonly fetch: (url: string, init: RequestInit) => Promise<Response>;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Structured events; never given tokens or secret-looking annotations. */
  readonly log?: (event: Record<string, unknown>) => void;
  readonly deployments?: DeploymentSource;
  /** Overrides the sinks built from the config. */
  readonly sinks?: readonly RoutedSink[];
  readonly metrics?: ReceiverMetrics;
  /** Defaults to WebCrypto. */
  readonly sha256?: Sha256;
}

/** The Workers-style execution context; unused fields are ignored on other runtimes. */
export interface ExecutionContext {
  waitUntil?(promise: Promise<unknown>): void;
}

export interface Receiver {
  handle(request: Request, env?: unknown, ctx?: ExecutionContext): Promise<Response>;
  readonly metrics: ReceiverMetrics;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(`${JSON.stringify(body)}\n`, {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function problem(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  const headers: Record<string, string> =
    status === 401 ? { "www-authenticate": 'Bearer realm="flyby-receiver"' } : {};
  return json(status, { error, ...extra }, headers);
}

const routes: Record<string, { name: RouteName | "healthz"; method: "GET" | "POST" }> = {
  "/alertmanager": { name: "alertmanager", method: "POST" },
  "/healthz": { name: "healthz", method: "GET" },
  "/metrics": { name: "metrics", method: "GET" },
  "/": { name: "status", method: "GET" },
};

type DeliveryOutcome =
  | { result: "delivered" | "duplicate" }
  | { result: "failed"; reason: string; busy: boolean };

export function createReceiver(deps: ReceiverDeps): Receiver {
  const { config, store, now } = deps;
  const metrics = deps.metrics ?? new ReceiverMetrics();
  const sinks = deps.sinks ?? sinksFromConfig(config.sinks);
  const board = new StatusBoard();
  const log = deps.log ?? (() => {});
  const leaseMs = config.deadline.milliseconds + config.attemptTimeout.milliseconds;

  function memoryFor(): SinkMemory {
    return {
      get: (key) => store.getValue(key, now()),
      set: (key, value) => store.setValue(key, value, now(), sinkMemoryTtlMs),
    };
  }

  function httpUntil(deadline: number): Http {
    return (url, init) => {
      const budget = Math.max(1, Math.min(config.attemptTimeout.milliseconds, deadline - now()));
      return deps.fetch(url, { ...init, signal: AbortSignal.timeout(budget) });
    };
  }

  async function deliverOnce(
    sink: Sink,
    id: string,
    d: Delivery,
    deadline: number,
  ): Promise<DeliveryOutcome> {
    for (;;) {
      const claim = await store.claim(id, now(), leaseMs);
      if (claim === Claim.Delivered) return { result: "duplicate" };
      if (claim === Claim.Busy) {
        if (now() + busyPollMs >= deadline) {
          return { result: "failed", reason: "another request is delivering it", busy: true };
        }
        await deps.sleep(busyPollMs);
        continue;
      }
      let backoff = firstBackoffMs;
      for (;;) {
        const attempt = await d.send(httpUntil(deadline), memoryFor());
        if (attempt.ok) {
          await store.complete(id, now(), config.dedupTtl.milliseconds);
          return { result: "delivered" };
        }
        metrics.failures.inc({ sink: sink.name });
        const wait = attempt.retryAfterMs ?? backoff;
        backoff *= 2;
        if (!attempt.retryable || now() + wait >= deadline) {
          await store.release(id);
          return { result: "failed", reason: attempt.reason, busy: false };
        }
        await deps.sleep(wait);
      }
    }
  }

  /** Sends a sink's deliveries in order; after a failure the rest wait for the retry. */
  async function runSink(
    sink: Sink,
    out: Outgoing,
    deadline: number,
  ): Promise<SinkResult & { busy: boolean }> {
    let delivered = 0;
    let duplicate = 0;
    const deliveries = sink.deliveries(out);
    for (const [i, d] of deliveries.entries()) {
      const outcome = await deliverOnce(sink, `${out.key}/${sink.name}/${d.id}`, d, deadline);
      if (outcome.result === "failed") {
        const failed = deliveries.length - i;
        metrics.deliveries.inc({ sink: sink.name, result: DeliveryResult.Failed }, failed);
        return { sink: sink.name, delivered, duplicate, failed, reason: outcome.reason, busy: outcome.busy };
      }
      metrics.deliveries.inc({ sink: sink.name, result: outcome.result });
      if (outcome.result === "delivered") delivered++;
      else duplicate++;
    }
    return { sink: sink.name, delivered, duplicate, failed: 0, busy: false };
  }

  /** The latest deployment of each firing alert's environment, by fingerprint. */
  async function enrich(n: Notification): Promise<Map<string, Deployment>> {
    const out = new Map<string, Deployment>();
    const source = deps.deployments;
    if (!source) return out;
    const byEnv = new Map<string, Promise<Deployment | undefined>>();
    for (const a of n.alerts) {
      const env = environmentOf(a);
      if (!env || a.status !== "firing") continue;
      if (!byEnv.has(env))
        byEnv.set(
          env,
          source.latest(env).catch(() => undefined),
        );
      const d = await byEnv.get(env);
      if (d) out.set(a.fingerprint, d);
    }
    return out;
  }

  async function alertmanager(request: Request): Promise<Response> {
    if (!isJson(request.headers.get("content-type"))) {
      return problem(415, "content type must be application/json");
    }
    const body = await readJsonBody(request, MaxBodyBytes, config.hmac !== undefined);
    if (body.kind === "too-large") return problem(413, `body is larger than ${MaxBodyBytes} bytes`);
    if (config.hmac) {
      const check = await verifySignature(
        request.headers,
        body.bytes ?? new Uint8Array(),
        config.hmac.secret,
        config.hmac.window.milliseconds,
        now(),
      );
      if (!check.ok) return problem(401, check.reason);
    }
    if (body.kind === "not-json") return problem(400, "body is not valid JSON", { field: "(root)" });
    const value = body.value;
    const parsed = parseWebhook(value);
    if (!parsed.ok) return problem(400, `${parsed.field}: ${parsed.message}`, { field: parsed.field });

    const started = now();
    const deadline = started + config.deadline.milliseconds;
    const n = redactNotification(parsed.notification);
    metrics.received.inc({ status: n.status });
    const key = await idempotencyKey(n, deps.sha256);
    const deployments = await enrich(n);
    const deployContext = new Map<string, string>();
    for (const a of n.alerts) {
      const d = deployments.get(a.fingerprint);
      if (d) deployContext.set(a.fingerprint, describeDeploy(Date.parse(a.startsAt), d));
    }
    const results = await Promise.all(
      sinks.flatMap(({ sink, match }) => {
        const routed = routeTo(n, match);
        return routed
          ? [runSink(sink, { key, notification: routed, deployContext, deployments }, deadline)]
          : [];
      }),
    );
    const sinkResults: SinkResult[] = results.map(({ busy: _, ...r }) => r);
    board.record(n, deployContext, sinkResults, now());
    const failed = results.filter((r) => r.failed > 0);
    const allDuplicate = results.length > 0 && results.every((r) => r.delivered === 0 && r.failed === 0);
    if (allDuplicate) metrics.duplicates.inc();
    log({
      event: "notification",
      key,
      groupKey: n.groupKey,
      status: n.status,
      alerts: n.alerts.length,
      truncatedAlerts: n.truncatedAlerts,
      sinks: sinkResults,
      ms: now() - started,
    });
    const payload = { key, duplicate: allDuplicate, sinks: sinkResults };
    if (failed.length === 0) return json(200, { status: "ok", ...payload });
    // A sink's failure is never the sender's fault: answer 5xx so Alertmanager retries.
    const onlyBusy = failed.every((r) => r.busy);
    return json(
      onlyBusy ? 503 : 502,
      { status: "failed", ...payload },
      onlyBusy ? { "retry-after": "1" } : {},
    );
  }

  function environments(): string[] {
    return [...new Set([...(config.deployments?.environments ?? []), ...board.environments()])].sort();
  }

  async function status(): Promise<Response> {
    const source = deps.deployments;
    const deployments = source
      ? (await Promise.all(environments().map((e) => source.latest(e).catch(() => undefined)))).filter(
          (d): d is Deployment => d !== undefined,
        )
      : [];
    const html = renderStatusPage({
      firing: board.firing(),
      recent: board.recent(),
      deployments,
      now: now(),
      refreshSeconds: 10,
    });
    return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
  }

  async function dispatch(request: Request, route: RouteName | "healthz"): Promise<Response> {
    if (route === "healthz") return new Response("ok\n", { headers: { "content-type": "text/plain" } });
    const tokens = config.tokens[route];
    if (tokens.length > 0 && !bearerMatches(request.headers.get("authorization"), tokens)) {
      return problem(401, "missing or bad bearer token");
    }
    switch (route) {
      case "alertmanager":
        return alertmanager(request);
      case "metrics":
        return new Response(await metrics.registry.metrics(), {
          headers: { "content-type": metrics.registry.contentType },
        });
      case "status":
        return status();
    }
  }

  async function handle(request: Request): Promise<Response> {
    const started = now();
    const path = new URL(request.url).pathname;
    const route = routes[path];
    let response: Response;
    if (!route) response = problem(404, "not found");
    else if (request.method !== route.method && !(route.method === "GET" && request.method === "HEAD")) {
      response = new Response(null, { status: 405, headers: { allow: route.method } });
    } else {
      try {
        response = await dispatch(request, route.name);
      } catch (e) {
        log({ event: "error", path, error: (e as Error).message });
        response = problem(500, "internal error");
      }
    }
    const label = route?.name ?? "unknown";
    metrics.requests.inc({ route: label, code: String(response.status) });
    metrics.latency.observe({ route: label }, (now() - started) / 1000);
    return response;
  }

  return { handle, metrics };
}
