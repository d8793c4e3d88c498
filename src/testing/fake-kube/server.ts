import { type ClusterEvent, FakeCluster } from "./cluster.ts";
import { FakeController, type FakeControllerOptions } from "./controller.ts";
import { apiVersionOf, groupOrder, type ResourceType } from "./resources.ts";
import { isObj, type Obj } from "./schema.ts";
import { parseFieldSelector, parseLabelSelector } from "./selector.ts";
import {
  ApiError,
  badRequest,
  forbidden,
  forbiddenPath,
  invalid,
  unauthorized,
  unsupportedMediaType,
} from "./status.ts";

export interface FakeUser {
  readonly name: string;
  readonly groups: readonly string[];
}

export interface AccessRequest {
  readonly user: FakeUser;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly verb?: string;
  readonly dryRun: boolean;
}

export interface FakeKubeOptions {
  /** Delay added to every request, to model a remote API server. */
  readonly latencyMs?: number;
  readonly now?: () => Date;
  /** Bearer tokens the server knows. Default: `admin-token` for `admin` in `system:masters`. */
  readonly tokens?: Readonly<Record<string, FakeUser>>;
  /** RBAC stand-in. Default: only `system:masters` may do anything. */
  readonly authorize?: (a: AccessRequest) => boolean;
  /** Fault injection: a Response returned here is sent instead of the normal answer. */
  readonly fault?: (req: Request, url: URL) => Response | undefined | Promise<Response | undefined>;
  /** How many events a watch can resume from (older resourceVersions get 410 Expired). */
  readonly watchHistory?: number;
  /** Scales watch `timeoutSeconds`, so tests need not wait whole seconds. */
  readonly watchTimeScale?: number;
  /** The simulated controller: default rollout mode, observe delay, progress-deadline scale. */
  readonly controller?: FakeControllerOptions;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });

const errorResponse = (e: ApiError): Response => json(e.code, e.body());

const anonymous: FakeUser = { name: "system:anonymous", groups: ["system:unauthenticated"] };

const versionInfo = {
  major: "1",
  minor: "26",
  gitVersion: "v1.26.0",
  gitCommit: "8f94681cd294aa8cfd3407b8191f6c70214973a4",
  gitTreeState: "",
  buildDate: "1970-01-01T00:00:00Z",
  goVersion: "go1.19.8",
  compiler: "gc",
  platform: "linux/amd64",
};

interface Target {
  readonly resource: ResourceType;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

/** Zero-valued objects sent as BOOKMARK events, per kind. */
const bookmarkBodies: Readonly<Record<string, Obj>> = {
  Deployment: {
    spec: {
      replicas: 0,
      selector: null,
      template: { metadata: { creationTimestamp: null }, spec: { containers: null } },
      strategy: {},
    },
    status: {},
  },
};

function stripTypeMeta(o: Obj): Obj {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

/** RFC 7386 JSON merge patch. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchOp {
  readonly op: string;
  readonly path: string;
  readonly from?: string;
  readonly value?: unknown;
}

/** RFC 6902 JSON patch (add, remove, replace, move, copy, test) on a copy of `doc`. */
function jsonPatch(doc: Obj, ops: readonly JsonPatchOp[]): Obj {
  const root = structuredClone(doc);
  const locate = (pointer: string) => {
    const parts = pointer
      .split("/")
      .slice(1)
      .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
    const last = parts.pop() ?? "";
    let parent: unknown = root;
    for (const p of parts) parent = (parent as Record<string, unknown> | undefined)?.[p];
    if (typeof parent !== "object" || parent === null) {
      throw new ApiError(422, "Invalid", `the server rejected our request: path ${pointer} does not exist`);
    }
    return { parent: parent as Record<string, unknown>, last };
  };
  const get = (pointer: string) => {
    const { parent, last } = locate(pointer);
    return parent[last];
  };
  const put = (pointer: string, value: unknown, insert: boolean) => {
    const { parent, last } = locate(pointer);
    if (Array.isArray(parent))
      parent.splice(last === "-" ? parent.length : Number(last), insert ? 0 : 1, value);
    else parent[last] = value;
  };
  const remove = (pointer: string) => {
    const { parent, last } = locate(pointer);
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  };
  for (const o of ops) {
    if (o.op === "add") put(o.path, structuredClone(o.value), true);
    else if (o.op === "replace") put(o.path, structuredClone(o.value), false);
    else if (o.op === "remove") remove(o.path);
    else if (o.op === "move" || o.op === "copy") {
      const value = structuredClone(get(o.from ?? ""));
      if (o.op === "move") remove(o.from ?? "");
      put(o.path, value, true);
    } else if (o.op === "test") {
      if (JSON.stringify(get(o.path)) !== JSON.stringify(o.value)) {
        throw new ApiError(422, "Invalid", `the server rejected our request: testing value ${o.path} failed`);
      }
    } else throw badRequest(`unknown JSON patch operation "${o.op}"`);
  }
  return root;
}

/**
 * An in-process Kubernetes API server on loopback, answering as kube-apiserver v1.26 does
 * (checked against recorded exchanges in fake-kube.integration.test.ts).
 *
 * ```ts
 * const fake = new FakeKube({ latencyMs: 5 }).start();          // always `await fake.stop()`
 * const kc = tokenKubeConfig(fake.url, fake.adminToken);          // src/adapters/kube/kubeconfig.ts
 * fake.controller.setRollout("staging", "api", "ready");          // or "pending" / "kubelet" / "imagePullBackOff" / "failing"
 * fake.controller.reconcile();                                    // one controller pass, when the test says
 * markPodsRunning(fake, "staging", "api");                        // kubelet.ts: Pod status as a kubelet writes it
 * fake.requests.filter((r) => r.dryRun).length;                   // what the client sent
 * ```
 * `now` injects the clock (progress deadlines), `tokens`/`authorize` model users and RBAC,
 * `fault` replaces any answer, `watchTimeScale` shortens watch timeouts, `controller` sets the
 * rollout mode, the observe delay (the stale-status window of 79) and the deadline scale.
 */
export class FakeKube {
  readonly cluster: FakeCluster;
  readonly controller: FakeController;
  readonly requests: RecordedRequest[] = [];
  readonly adminToken = "admin-token";
  private readonly history: { rv: number; event: ClusterEvent }[] = [];
  private readonly openStreams = new Set<() => void>();
  private server: ReturnType<typeof Bun.serve> | undefined;

  constructor(private readonly options: FakeKubeOptions = {}) {
    this.cluster = new FakeCluster(options.now);
    this.controller = new FakeController(this.cluster, options.controller);
    this.cluster.subscribe((event) => {
      this.history.push({ rv: Number((event.object.metadata as Obj).resourceVersion), event });
      if (this.history.length > (options.watchHistory ?? 5000)) this.history.shift();
    });
  }

  get url(): string {
    if (!this.server) throw new Error("fake API server is not started");
    return `http://127.0.0.1:${this.server.port}`;
  }

  start(): this {
    // No idle timeout: a watch may stay quiet for its whole timeoutSeconds, as on a real server.
    this.server = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 0,
      fetch: (req) => this.handle(req),
    });
    return this;
  }

  async stop(): Promise<void> {
    this.controller.stop();
    for (const close of this.openStreams) close();
    await this.server?.stop(true);
    this.server = undefined;
  }

  private tokens(): Readonly<Record<string, FakeUser>> {
    return this.options.tokens ?? { [this.adminToken]: { name: "admin", groups: ["system:masters"] } };
  }

  private allowed(a: AccessRequest): boolean {
    if (this.options.authorize) return this.options.authorize(a);
    return a.user.groups.includes("system:masters");
  }

  async handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (this.options.latencyMs) await Bun.sleep(this.options.latencyMs);
    const faulty = await this.options.fault?.(req, url);
    if (faulty) {
      this.record(req, url, undefined);
      return faulty;
    }
    try {
      return await this.route(req, url);
    } catch (e) {
      if (e instanceof ApiError) return errorResponse(e);
      throw e;
    }
  }

  private record(req: Request, url: URL, verb: string | undefined): void {
    this.requests.push({
      method: req.method,
      path: url.pathname,
      query: url.search,
      ...(verb ? { verb } : {}),
      dryRun: url.searchParams.get("dryRun") === "All",
    });
  }

  private authenticate(req: Request): FakeUser {
    const header = req.headers.get("Authorization");
    if (!header) return anonymous;
    const token = header.replace(/^Bearer\s+/i, "");
    const user = this.tokens()[token];
    if (!user) throw unauthorized();
    return user;
  }

  private async route(req: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/\/+$/, "");
    if (path === "/version") {
      this.record(req, url, "get");
      return json(200, versionInfo);
    }
    const user = this.authenticate(req);
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const discovery = this.discovery(parts);
    if (discovery !== undefined) {
      this.record(req, url, "get");
      if (user === anonymous) throw forbiddenPath(user.name, "get", path);
      return json(200, discovery);
    }
    const target = this.target(parts);
    if (!target) {
      this.record(req, url, undefined);
      return json(404, {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        message: "the server could not find the requested resource",
        reason: "NotFound",
        details: {},
        code: 404,
      });
    }
    const verb = this.verbOf(req.method, target, url);
    this.record(req, url, verb);
    const access = {
      user,
      verb,
      group: target.resource.group,
      resource: target.resource.resource.name,
      ...(target.namespace !== undefined ? { namespace: target.namespace } : {}),
      ...(target.name !== undefined ? { name: target.name } : {}),
    };
    if (!this.allowed(access)) {
      throw forbidden(user.name, verb, target.resource, target.namespace, target.name);
    }
    switch (verb) {
      case "get":
        return json(200, this.cluster.get(target.resource, target.namespace, target.name as string));
      case "list":
        return this.list(target, url);
      case "watch":
        return this.watch(target, url);
      case "patch":
        return this.patch(req, url, target);
      case "create":
        return this.create(req, url, target);
      case "update":
        return this.update(req, url, target);
      case "delete":
        return this.remove(req, url, target);
      default:
        throw new ApiError(
          405,
          "MethodNotAllowed",
          `the server does not allow this method on the requested resource`,
        );
    }
  }

  private verbOf(method: string, target: Target, url: URL): string {
    const watch = url.searchParams.get("watch");
    switch (method) {
      case "GET":
        if (watch === "1" || watch === "true") return "watch";
        return target.name === undefined ? "list" : "get";
      case "PATCH":
        return "patch";
      case "POST":
        return "create";
      case "PUT":
        return "update";
      case "DELETE":
        return "delete";
      default:
        return method.toLowerCase();
    }
  }

  private discovery(parts: string[]): unknown {
    const served = this.cluster.resources;
    if (parts.length === 1 && parts[0] === "api") {
      return {
        kind: "APIVersions",
        versions: ["v1"],
        serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "127.0.0.1:6443" }],
      };
    }
    if (parts.length === 2 && parts[0] === "api" && parts[1] === "v1") {
      return { kind: "APIResourceList", groupVersion: "v1", resources: this.resourcesOf("", "v1") };
    }
    if (parts.length === 1 && parts[0] === "apis") {
      const groups = [...new Set(served.filter((r) => r.group !== "").map((r) => r.group))].sort(
        (a, b) => rank(a) - rank(b) || a.localeCompare(b),
      );
      return {
        kind: "APIGroupList",
        apiVersion: "v1",
        groups: groups.map((g) => {
          const versions = [...new Set(served.filter((r) => r.group === g).map((r) => r.version))].map(
            (v) => ({
              groupVersion: `${g}/${v}`,
              version: v,
            }),
          );
          return { name: g, versions, preferredVersion: versions[0] };
        }),
      };
    }
    if (parts.length === 3 && parts[0] === "apis") {
      const [, group = "", version = ""] = parts;
      const resources = this.resourcesOf(group, version);
      if (resources.length === 0) return undefined;
      return { kind: "APIResourceList", apiVersion: "v1", groupVersion: `${group}/${version}`, resources };
    }
    return undefined;
  }

  private resourcesOf(group: string, version: string) {
    return this.cluster.resources
      .filter((r) => r.group === group && r.version === version)
      .map((r) => r.resource);
  }

  private target(parts: string[]): Target | undefined {
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === "api" && parts.length >= 3) {
      group = "";
      version = parts[1] ?? "";
      rest = parts.slice(2);
    } else if (parts[0] === "apis" && parts.length >= 4) {
      group = parts[1] ?? "";
      version = parts[2] ?? "";
      rest = parts.slice(3);
    } else {
      return undefined;
    }
    const find = (plural: string | undefined) =>
      plural === undefined ? undefined : this.cluster.findResource(group, version, plural);
    if (rest[0] === "namespaces" && rest.length >= 3) {
      const resource = find(rest[2]);
      if (resource?.resource.namespaced) {
        return { resource, namespace: rest[1], name: rest[3], subresource: rest[4] };
      }
    }
    const resource = find(rest[0]);
    if (!resource || rest.length > 3) return undefined;
    return { resource, name: rest[1], subresource: rest[2] };
  }

  private list(target: Target, url: URL): Response {
    const t = target.resource;
    const fields = parseFieldSelector(url.searchParams.get("fieldSelector"));
    const all = this.cluster
      .list(t, target.namespace, url.searchParams.get("labelSelector"))
      .filter(fields)
      .map(stripTypeMeta);
    // Chunked lists: `limit` and an opaque `continue` token, as the API server pages them.
    const limit = Number(url.searchParams.get("limit") ?? "0");
    const token = url.searchParams.get("continue");
    const offset = token ? Number(Buffer.from(token, "base64url").toString()) : 0;
    const items = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
    const rest = all.length - offset - items.length;
    const metadata: Obj = { resourceVersion: String(this.cluster.resourceVersion) };
    if (rest > 0) {
      metadata.continue = Buffer.from(String(offset + items.length)).toString("base64url");
      metadata.remainingItemCount = rest;
    }
    return json(200, { kind: `${t.resource.kind}List`, apiVersion: apiVersionOf(t), metadata, items });
  }

  private watch(target: Target, url: URL): Response {
    const t = target.resource;
    const selector = parseLabelSelector(url.searchParams.get("labelSelector"));
    const fields = parseFieldSelector(url.searchParams.get("fieldSelector"));
    const from = url.searchParams.get("resourceVersion");
    const bookmarks = url.searchParams.get("allowWatchBookmarks") === "true";
    const timeout = Number(url.searchParams.get("timeoutSeconds") ?? "0");
    const encoder = new TextEncoder();
    const matches = (e: ClusterEvent) => {
      const m = e.object.metadata as Obj;
      return (
        e.resource.group === t.group &&
        e.resource.resource.name === t.resource.name &&
        (target.namespace === undefined || m.namespace === target.namespace) &&
        selector((m.labels ?? {}) as Record<string, string>) &&
        fields(e.object)
      );
    };
    let close = () => {};
    let cancel = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start: (ctl) => {
        let open = true;
        const send = (type: string, object: Obj) => {
          if (open) ctl.enqueue(encoder.encode(`${JSON.stringify({ type, object })}\n`));
        };
        if (!from || from === "0") {
          for (const o of this.cluster.list(t, target.namespace, url.searchParams.get("labelSelector"))) {
            if (fields(o)) send("ADDED", o);
          }
        } else if (Number(from) < (this.history[0]?.rv ?? 0) - 1) {
          // Older than what the server keeps: one ERROR event with a 410 Expired Status, then the end.
          send(
            "ERROR",
            new ApiError(410, "Expired", `too old resource version: ${from} (${this.history[0]?.rv})`).body(),
          );
          ctl.close();
          return;
        } else {
          for (const h of this.history)
            if (h.rv > Number(from) && matches(h.event)) send(h.event.type, h.event.object);
        }
        const unsubscribe = this.cluster.subscribe((e) => {
          if (matches(e)) send(e.type, e.object);
        });
        // A watch whose timeoutSeconds ran out ends with a BOOKMARK when asked for them (35, 75).
        // A cancelled stream takes nothing more: no BOOKMARK, no close, only the unsubscribe.
        const end = (why: "timeout" | "stop" | "cancel") => {
          if (!open) return;
          if (why === "timeout" && bookmarks) {
            send("BOOKMARK", {
              kind: t.resource.kind,
              apiVersion: apiVersionOf(t),
              metadata: { resourceVersion: String(this.cluster.resourceVersion), creationTimestamp: null },
              ...(bookmarkBodies[t.resource.kind] ?? {}),
            });
          }
          open = false;
          unsubscribe();
          if (timer) clearTimeout(timer);
          this.openStreams.delete(close);
          if (why !== "cancel") ctl.close();
        };
        const timer =
          timeout > 0
            ? setTimeout(() => end("timeout"), timeout * 1000 * (this.options.watchTimeScale ?? 1))
            : undefined;
        close = () => end("stop");
        cancel = () => end("cancel");
        this.openStreams.add(close);
      },
      cancel: () => cancel(),
    });
    return new Response(stream, { status: 200, headers: { "Content-Type": "application/json" } });
  }

  private async patch(req: Request, url: URL, target: Target): Promise<Response> {
    const contentType = (req.headers.get("Content-Type") ?? "").split(";")[0]?.trim();
    const manager = url.searchParams.get("fieldManager");
    const dryRun = url.searchParams.get("dryRun") === "All";
    const t = target.resource;
    const name = target.name as string;
    if (contentType === "application/apply-patch+yaml") {
      if (!manager) {
        throw invalid("PatchOptions", "meta.k8s.io", "", [
          {
            reason: "FieldValueRequired",
            message: "Required value: is required for apply patch",
            field: "fieldManager",
          },
        ]);
      }
      const body = await this.parseBody(req, true);
      const result = await this.cluster.apply(t, target.namespace, name, body, {
        manager,
        force: url.searchParams.get("force") === "true",
        dryRun,
      });
      return json(result.status, result.object);
    }
    const mergeTypes = ["application/merge-patch+json", "application/strategic-merge-patch+json"];
    if (mergeTypes.includes(contentType ?? "") || contentType === "application/json-patch+json") {
      const text = await req.text();
      const live = this.cluster.get(t, target.namespace, name);
      let patch: unknown;
      try {
        patch = JSON.parse(text);
      } catch (e) {
        throw badRequest(`error decoding patch: ${(e as Error).message}`);
      }
      const next =
        contentType === "application/json-patch+json"
          ? jsonPatch(live, (Array.isArray(patch) ? patch : []) as JsonPatchOp[])
          : (mergePatch(live, patch) as Obj);
      if (dryRun) return json(200, next);
      const written = this.cluster.write(
        t,
        target.subresource === "status" ? { ...live, status: next.status } : next,
        manager ?? "unknown",
        target.subresource === "status" ? "status" : undefined,
      );
      return json(200, written);
    }
    throw unsupportedMediaType();
  }

  private async parseBody(req: Request, yaml: boolean): Promise<Obj> {
    const text = await req.text();
    let body: unknown;
    try {
      body = yaml ? Bun.YAML.parse(text) : JSON.parse(text);
    } catch (e) {
      throw badRequest(`error decoding ${yaml ? "YAML" : "JSON"}: ${(e as Error).message}`);
    }
    if (!isObj(body)) throw badRequest("the request body is not an object");
    return body;
  }

  private async create(req: Request, url: URL, target: Target): Promise<Response> {
    const body = await this.parseBody(req, false);
    const result = this.cluster.create(target.resource, target.namespace, body, {
      manager:
        url.searchParams.get("fieldManager") ??
        (req.headers.get("User-Agent") ?? "unknown").split("/")[0] ??
        "unknown",
      dryRun: url.searchParams.get("dryRun") === "All",
      strict: url.searchParams.get("fieldValidation") === "Strict",
    });
    const warning = result.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ");
    return json(result.status, result.object, warning ? { Warning: warning } : {});
  }

  private async update(req: Request, url: URL, target: Target): Promise<Response> {
    const body = await this.parseBody(req, false);
    const t = target.resource;
    const live = this.cluster.get(t, target.namespace, target.name as string);
    const liveMeta = live.metadata as Obj;
    const sent = (body.metadata ?? {}) as Obj;
    if (sent.resourceVersion !== undefined && sent.resourceVersion !== liveMeta.resourceVersion) {
      throw new ApiError(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${t.group ? `${t.resource.name}.${t.group}` : t.resource.name} "${target.name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name: target.name as string, ...(t.group ? { group: t.group } : {}), kind: t.resource.name },
      );
    }
    const status = target.subresource === "status";
    const next: Obj = status
      ? { ...live, status: body.status }
      : {
          ...body,
          metadata: { ...liveMeta, ...sent, managedFields: liveMeta.managedFields },
          status: live.status,
        };
    const manager = url.searchParams.get("fieldManager") ?? "unknown";
    return json(200, this.cluster.write(t, next, manager, status ? "status" : undefined));
  }

  private async remove(req: Request, url: URL, target: Target): Promise<Response> {
    const text = await req.text();
    const options = text ? (JSON.parse(text) as Obj) : {};
    const dryRun =
      url.searchParams.get("dryRun") === "All" ||
      (options.dryRun as string[] | undefined)?.includes("All") === true;
    const propagation =
      url.searchParams.get("propagationPolicy") ?? (options.propagationPolicy as string | undefined);
    const body = this.cluster.delete(target.resource, target.namespace, target.name as string, {
      dryRun,
      ...(propagation ? { propagationPolicy: propagation } : {}),
    });
    return json(200, body);
  }
}

function rank(group: string): number {
  const i = groupOrder.indexOf(group);
  return i < 0 ? groupOrder.length : i;
}

/** Starts a fake API server on a free loopback port. Always `await fake.stop()` afterwards. */
export function startFakeKube(options: FakeKubeOptions = {}): FakeKube {
  return new FakeKube(options).start();
}
