import { type LoopbackServer, serveLoopback } from "./loopback.ts";
/**
 * The two proxy paths of kube-apiserver the smoke checks use, on 127.0.0.1:
 * /api/v1/namespaces/<ns>/services/<name>:<port>/proxy/... and
 * /api/v1/namespaces/<ns>/pods/<name>:<port>/proxy/... Errors are Status objects with the
 * codes the API server uses: 401 without the bearer token, 404 for unknown objects, 503
 * when a service has no endpoints. Not a Kubernetes API: only these paths.
 */

export interface FakeKubeProxyOptions {
  readonly token: string;
  /** `<ns>/<service>:<port>` → upstream base URL, or null for a service without endpoints. */
  readonly services: Record<string, string | null>;
  /** `<ns>/<pod>` → upstream host (`127.0.0.1`); the port comes from the request path. */
  readonly pods: Record<string, string>;
}

export interface FakeKubeProxy extends LoopbackServer {
  /** A kubeconfig (YAML) whose current context points here with the token. */
  kubeconfig(): string;
  stop(): Promise<void>;
}

function status(code: number, reason: string, message: string, details?: { name: string; kind: string }) {
  return Response.json(
    {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
    { status: code },
  );
}

async function forward(target: string, request: Request): Promise<Response> {
  const upstream = await fetch(target, { headers: { accept: request.headers.get("accept") ?? "*/*" } });
  return new Response(await upstream.arrayBuffer(), {
    status: upstream.status,
    headers: { "content-type": upstream.headers.get("content-type") ?? "text/plain" },
  });
}

/**
 * The answer of the service and pod proxy paths, or undefined for any other path: also what a
 * fake API server (FakeKube's `fault`) answers on those paths to be reachable `--via-cluster`.
 */
export function proxyPathAnswer(
  options: Omit<FakeKubeProxyOptions, "token">,
  request: Request,
  url: URL,
): Promise<Response> | undefined {
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/(services|pods)\/([^/:]+):(\d+)\/proxy(\/.*)?$/.exec(
    url.pathname,
  );
  if (!m) return undefined;
  const [, ns, kind, name = "", port, rest = "/"] = m;
  const tail = `${rest}${url.search}`;
  if (kind === "services") {
    const key = `${ns}/${name}:${port}`;
    if (!Object.hasOwn(options.services, key))
      return Promise.resolve(
        status(404, "NotFound", `services "${name}" not found`, { name, kind: "services" }),
      );
    const base = options.services[key];
    if (!base)
      return Promise.resolve(
        status(503, "ServiceUnavailable", `no endpoints available for service "${name}"`),
      );
    return forward(`${base}${tail}`, request);
  }
  const host = options.pods[`${ns}/${name}`];
  if (!host)
    return Promise.resolve(status(404, "NotFound", `pods "${name}" not found`, { name, kind: "pods" }));
  return forward(`http://${host}:${port}${tail}`, request).catch(() =>
    status(
      503,
      "ServiceUnavailable",
      `error trying to reach service: dial tcp ${host}:${port}: connect: connection refused`,
    ),
  );
}

export function startFakeKubeProxy(options: FakeKubeProxyOptions): FakeKubeProxy {
  const server = serveLoopback(async (request, url) => {
    if (request.headers.get("authorization") !== `Bearer ${options.token}`)
      return status(401, "Unauthorized", "Unauthorized");
    return (
      proxyPathAnswer(options, request, url) ??
      status(404, "NotFound", "the server could not find the requested resource")
    );
  });
  const url = server.url;
  return {
    ...server,
    kubeconfig: () =>
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: fake",
        "  cluster:",
        `    server: ${url}`,
        "    insecure-skip-tls-verify: true",
        "users:",
        "- name: smoke",
        "  user:",
        `    token: ${options.token}`,
        "contexts:",
        "- name: fake",
        "  context: {cluster: fake, user: smoke}",
        "current-context: fake",
        "",
      ].join("\n"),
  };
}
