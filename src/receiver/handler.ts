import { bearerMatches, verifySignature } from "./auth.ts";
import { isJson, readJsonBody, readLimited } from "./body.ts";
import type { ReceiverConfig, RouteName } from "./config.ts";
import { type Deployment, type DeploymentSource, deployContext as describeDeploy } from "./deployments.ts";
import { idempotencyKey, type Sha256 } from "./idempotency.ts";
import { DeliveryResult, ReceiverMetrics } from "./metrics.ts";
import { redactNotification } from "./redact.ts";
import { routeTo } from "./routing.ts";
import {
  issueSession,
  newSessionId,
  readCookie,
  type Session,
  SessionCookie,
  sameOrigin,
  servedOverHttps,
  sessionCookie,
  sessionKey,
  verifySession,
} from "./session.ts";
import { type RoutedSink, sinksFromConfig } from "./sinks/index.ts";
import type { Delivery, Http, Outgoing, Sink, SinkMemory } from "./sinks/sink.ts";
import { htmlHeaders, renderSignInPage, renderStatusPage, type SinkResult, StatusBoard } from "./status.ts";
import { Claim, type DeliveryStore } from "./store.ts";
import { isWatchdog, type WatchdogAction, watchdogActions, watchdogNotification } from "./watchdog.ts";
import { WatchdogState } from "./watchdog-state.ts";
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
  /** A new random session id; defaults to WebCrypto's random values. */
  readonly sessionId?: () => string;
}

/** The Workers-style execution context; unused fields are ignored on other runtimes. */
export interface ExecutionContext {
  waitUntil?(promise: Promise<unknown>): void;
}

export interface Receiver {
  handle(request: Request, env?: unknown, ctx?: ExecutionContext): Promise<Response>;
  /**
   * The dead man's switch's scheduled check: announces every environment that fell silent or
   * came back, once. Runtimes call it on their schedule; returns what was announced.
   */
  tick(): Promise<WatchdogAction[]>;
  /** How often the Bun adapter's timer calls `tick` (`watchdog.every`). */
  readonly tickEveryMs: number;
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

type Endpoint = RouteName | "healthz" | "signin-form" | "signin" | "signout";
const routes: Record<string, Partial<Record<"GET" | "POST", Endpoint>>> = {
  "/alertmanager": { POST: "alertmanager" },
  "/healthz": { GET: "healthz" },
  "/metrics": { GET: "metrics" },
  "/": { GET: "status" },
  "/signin": { GET: "signin-form", POST: "signin" },
  "/signout": { POST: "signout" },
};
/** A sign-in form is a few hundred bytes. */
const maxFormBytes = 8 * 1024;

function redirect(location: string, headers: Record<string, string> = {}): Response {
  return new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...headers } });
}

function wantsHtml(request: Request): boolean {
  return (request.headers.get("accept") ?? "").includes("text/html");
}

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
  const watchdog = new WatchdogState(store);
  const watchdogSettings = {
    alertname: config.watchdog.alertname,
    silenceMs: config.watchdog.silence.milliseconds,
    severity: config.watchdog.severity,
  };
  let key: Promise<CryptoKey> | undefined;
  const signingKey = () => {
    key ??= sessionKey(config.session.secret, config.tokens.status);
    return key;
  };
  const sessionId = deps.sessionId ?? newSessionId;

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

  /** Hands a notification to every sink whose match it passes. */
  function deliver(out: Outgoing, deadline: number) {
    return Promise.all(
      sinks.flatMap(({ sink, match }) => {
        const routed = routeTo(out.notification, match);
        return routed ? [runSink(sink, { ...out, notification: routed }, deadline)] : [];
      }),
    );
  }

  /** Tells the sinks that an environment fell silent or came back; true once every sink has it. */
  async function announce(a: WatchdogAction): Promise<boolean> {
    const n = watchdogNotification(a, watchdogSettings);
    const key = await idempotencyKey(n, deps.sha256);
    // No deploy context: a silent environment is not a bad deploy, and must never roll one back.
    const out = { key, notification: n, deployContext: new Map(), deployments: new Map() };
    const results = await deliver(out, now() + config.deadline.milliseconds);
    const sinkResults: SinkResult[] = results.map(({ busy: _, ...r }) => r);
    board.record(n, new Map(), sinkResults, now());
    const ok = results.every((r) => r.failed === 0);
    // Remembered only once every sink has it: a failed sink is retried at the next check, and
    // the sinks that have it already see a duplicate.
    if (ok) await watchdog.announced(a, now());
    metrics.watchdogAnnouncements.inc({ transition: a.kind, result: ok ? "delivered" : "failed" });
    log({
      event: "watchdog",
      transition: a.kind,
      environment: a.environment,
      since: new Date(a.since).toISOString(),
      sinks: sinkResults,
    });
    return ok;
  }

  /** The dead man's switch's check, for every watched environment or only the given ones. */
  async function checkWatchdog(only?: readonly string[]): Promise<WatchdogAction[]> {
    const t = now();
    const since = await watchdog.watchingSince(t);
    const watches = (await watchdog.read(config.watchdog.environments, t)).filter(
      (w) => !only || only.includes(w.environment),
    );
    const announced: WatchdogAction[] = [];
    for (const a of watchdogActions(watches, t, watchdogSettings.silenceMs, since)) {
      if (await announce(a)) announced.push(a);
    }
    return announced;
  }

  async function tick(): Promise<WatchdogAction[]> {
    try {
      return await checkWatchdog();
    } catch (e) {
      log({ event: "error", where: "watchdog", error: (e as Error).message });
      throw e;
    }
  }

  /** Records the Watchdogs of a notification; returns the environments they came from. */
  async function heartbeats(n: Notification): Promise<string[]> {
    const envs = [
      ...new Set(
        n.alerts
          .filter((a) => a.status === "firing" && isWatchdog(a, config.watchdog.alertname))
          .map((a) => environmentOf(a) ?? "-"),
      ),
    ];
    for (const env of envs) {
      await watchdog.heartbeat(env, now());
      metrics.watchdogHeartbeats.inc({ environment: env });
    }
    return envs;
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
    const all = redactNotification(parsed.notification);
    const beats = await heartbeats(all);
    if (beats.length > 0) {
      // An environment that comes back is announced at once, not at the next scheduled check.
      await checkWatchdog(beats).catch((e) =>
        log({ event: "error", where: "watchdog", error: (e as Error).message }),
      );
    }
    // The Watchdog itself is never posted anywhere.
    const alerts = all.alerts.filter((a) => !isWatchdog(a, config.watchdog.alertname));
    if (alerts.length === 0) return json(200, { status: "ok", watchdog: beats });
    const n: Notification =
      alerts.length === all.alerts.length
        ? all
        : { ...all, alerts, status: alerts.some((a) => a.status === "firing") ? "firing" : "resolved" };
    metrics.received.inc({ status: n.status });
    const key = await idempotencyKey(n, deps.sha256);
    const deployments = await enrich(n);
    const deployContext = new Map<string, string>();
    for (const a of n.alerts) {
      const d = deployments.get(a.fingerprint);
      if (d) deployContext.set(a.fingerprint, describeDeploy(Date.parse(a.startsAt), d));
    }
    const results = await deliver({ key, notification: n, deployContext, deployments }, deadline);
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

  async function status(session: Session | undefined): Promise<Response> {
    const source = deps.deployments;
    const t = now();
    const [deployments, watches] = await Promise.all([
      source
        ? Promise.all(environments().map((e) => source.latest(e).catch(() => undefined))).then((all) =>
            all.filter((d): d is Deployment => d !== undefined),
          )
        : [],
      watchdog.read(config.watchdog.environments, t),
    ]);
    const html = renderStatusPage({
      firing: board.firing(),
      recent: board.recent(),
      deployments,
      watchdog: watches,
      silenceMs: watchdogSettings.silenceMs,
      now: t,
      refreshSeconds: 10,
      signedIn: session !== undefined,
    });
    return new Response(html, { headers: htmlHeaders });
  }

  /** The browser session a request carries, if its cookie is valid, unexpired and not signed out. */
  async function sessionOf(request: Request): Promise<Session | undefined> {
    const value = readCookie(request.headers.get("cookie"), SessionCookie);
    if (!value) return undefined;
    const session = await verifySession(await signingKey(), value, now());
    if (!session) return undefined;
    return (await store.getValue(`session:revoked:${session.id}`, now())) ? undefined : session;
  }

  function signInPage(status: number, message?: string): Response {
    return new Response(renderSignInPage(message), { status, headers: htmlHeaders });
  }

  async function signIn(request: Request): Promise<Response> {
    if (!sameOrigin(request, config.publicUrl)) {
      log({ event: "signin", result: "cross-site" });
      return problem(403, "sign-in must come from the receiver's own page");
    }
    const media = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (media !== "application/x-www-form-urlencoded") {
      return problem(415, "content type must be application/x-www-form-urlencoded");
    }
    const body = await readLimited(request, maxFormBytes);
    if (!body.ok) return problem(413, `form is larger than ${maxFormBytes} bytes`);
    const presented = new URLSearchParams(new TextDecoder().decode(body.bytes)).get("token")?.trim() ?? "";
    if (!presented || !bearerMatches(`Bearer ${presented}`, config.tokens.status)) {
      log({ event: "signin", result: "refused" });
      return signInPage(401, "That token does not open the status page.");
    }
    const session = { id: sessionId(), expiresAt: now() + config.session.ttl.milliseconds };
    const value = await issueSession(await signingKey(), session);
    log({ event: "signin", result: "ok" });
    return redirect("/", {
      "set-cookie": sessionCookie(
        value,
        config.session.ttl.seconds,
        servedOverHttps(request, config.publicUrl),
      ),
    });
  }

  async function signOut(request: Request): Promise<Response> {
    if (!sameOrigin(request, config.publicUrl))
      return problem(403, "sign-out must come from the receiver's own page");
    const session = await sessionOf(request);
    // Signed out on the server too: a copy of the cookie stops working.
    if (session) await store.setValue(`session:revoked:${session.id}`, "1", now(), session.expiresAt - now());
    log({ event: "signout" });
    return redirect("/signin", {
      "set-cookie": sessionCookie("", 0, servedOverHttps(request, config.publicUrl)),
    });
  }

  async function dispatch(request: Request, endpoint: Endpoint): Promise<Response> {
    switch (endpoint) {
      case "healthz":
        return new Response("ok\n", { headers: { "content-type": "text/plain" } });
      case "signin-form":
        return config.tokens.status.length === 0 || (await sessionOf(request))
          ? redirect("/")
          : signInPage(200);
      case "signin":
        return signIn(request);
      case "signout":
        return signOut(request);
      case "status": {
        const tokens = config.tokens.status;
        if (tokens.length === 0 || bearerMatches(request.headers.get("authorization"), tokens)) {
          return status(undefined);
        }
        const session = await sessionOf(request);
        if (session) return status(session);
        // A person in a browser is sent to the sign-in form; a program gets the 401 it expects.
        return wantsHtml(request) ? redirect("/signin") : problem(401, "missing or bad bearer token");
      }
    }
    const tokens = config.tokens[endpoint];
    if (tokens.length > 0 && !bearerMatches(request.headers.get("authorization"), tokens)) {
      return problem(401, "missing or bad bearer token");
    }
    if (endpoint === "alertmanager") return alertmanager(request);
    return new Response(await metrics.registry.metrics(), {
      headers: { "content-type": metrics.registry.contentType },
    });
  }

  async function handle(request: Request): Promise<Response> {
    const started = now();
    const path = new URL(request.url).pathname;
    const methods = routes[path];
    const method = request.method === "HEAD" ? "GET" : request.method;
    const endpoint = methods?.[method as "GET" | "POST"];
    let response: Response;
    if (!methods) response = problem(404, "not found");
    else if (!endpoint) {
      response = new Response(null, { status: 405, headers: { allow: Object.keys(methods).join(", ") } });
    } else {
      try {
        response = await dispatch(request, endpoint);
      } catch (e) {
        log({ event: "error", path, error: (e as Error).message });
        response = problem(500, "internal error");
      }
    }
    // A wrong method counts under the path's route, an unknown path under "unknown".
    const label = endpoint ?? (methods ? Object.values(methods)[0] : undefined) ?? "unknown";
    metrics.requests.inc({ route: label, code: String(response.status) });
    metrics.latency.observe({ route: label }, (now() - started) / 1000);
    return response;
  }

  return { handle, tick, tickEveryMs: config.watchdog.every.milliseconds, metrics };
}
