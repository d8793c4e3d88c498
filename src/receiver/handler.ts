import { bearerMatches, verifySignature } from "./auth.ts";
import { isJson, readJsonBody, readLimited } from "./body.ts";
import type { ReceiverConfig, RouteName } from "./config.ts";
import { DeadMansSwitch } from "./dead-mans-switch.ts";
import { DeliveryEngine } from "./delivery.ts";
import type { Deployment, DeploymentSource } from "./deployments.ts";
import type { Sha256 } from "./idempotency.ts";
import { ReceiverMetrics } from "./metrics.ts";
import { notify } from "./notify.ts";
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
import { htmlHeaders, renderSignInPage, renderStatusPage, StatusBoard } from "./status.ts";
import type { DeliveryStore } from "./store.ts";
import type { WatchdogAction } from "./watchdog.ts";
import { parseWebhook } from "./webhook.ts";

/** Alertmanager payloads are small; anything over this is refused with 413. */
export const MaxBodyBytes = 1024 * 1024;

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

export function createReceiver(deps: ReceiverDeps): Receiver {
  const { config, store, now } = deps;
  const metrics = deps.metrics ?? new ReceiverMetrics();
  const sinks = deps.sinks ?? sinksFromConfig(config.sinks);
  const board = new StatusBoard();
  const log = deps.log ?? (() => {});
  const engine = new DeliveryEngine({
    config,
    store,
    sinks,
    metrics,
    fetch: deps.fetch,
    now,
    sleep: deps.sleep,
  });
  const watchdog = new DeadMansSwitch({
    config,
    store,
    engine,
    board,
    metrics,
    log,
    now,
    sha256: deps.sha256,
  });
  const delivering = {
    engine,
    watchdog,
    board,
    metrics,
    log,
    now,
    deployments: deps.deployments,
    sha256: deps.sha256,
  };
  let key: Promise<CryptoKey> | undefined;
  const signingKey = () => {
    key ??= sessionKey(config.session.secret, config.tokens.status);
    return key;
  };
  const sessionId = deps.sessionId ?? newSessionId;

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
    const parsed = parseWebhook(body.value);
    if (!parsed.ok) return problem(400, `${parsed.field}: ${parsed.message}`, { field: parsed.field });

    const deadline = now() + config.deadline.milliseconds;
    const notified = await notify(delivering, parsed.notification, deadline);
    if (notified.kind === "heartbeat") return json(200, { status: "ok", watchdog: notified.watchdog });
    const { key, duplicate, sinks: results } = notified;
    const payload = { key, duplicate, sinks: results.map(({ busy: _, ...r }) => r) };
    const failed = results.filter((r) => r.failed > 0);
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
      watchdog.state.read(config.watchdog.environments, t),
    ]);
    const html = renderStatusPage({
      firing: board.firing(),
      recent: board.recent(),
      deployments,
      watchdog: watches,
      silenceMs: watchdog.silenceMs,
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

  return {
    handle,
    tick: () => watchdog.tick(),
    tickEveryMs: config.watchdog.every.milliseconds,
    metrics,
  };
}
