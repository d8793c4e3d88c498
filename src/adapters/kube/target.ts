import {
  ApiException,
  type Configuration,
  createConfiguration,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  type RequestContext,
  ServerConfiguration,
  Watch,
} from "@kubernetes/client-node";
import {
  ApiFailure,
  type ApplyOptions,
  type ApplyTarget,
  fieldManager,
  type KindRef,
  type WatchEvent,
} from "../../apply/port.ts";
import { builtInResource } from "../../core/kube/kinds.ts";
import type { KubeObject, ObjectRef } from "../../core/kube/object.ts";
import { ReusedCredentials, withCredentials } from "./credentials.ts";
import { formatMs, KubeNetworkFailure, timedOut, toFailure, unreachable, watchFailure } from "./errors.ts";

/** How long one request to the Kubernetes API may take before the run counts the cluster as failed (exit 3). */
export const defaultRequestTimeoutMs = 30_000;

/**
 * How long a watch may stay silent (no event, no bookmark) before it is dropped and opened again.
 * The server is asked to end each watch before that (`timeoutSeconds`), so a healthy stream
 * never trips it.
 */
export const defaultWatchIdleMs = 60_000;

/**
 * client-node's object API, sending each request (discovery included) straight to fetch with
 * the kubeconfig's credentials and TLS settings and a deadline. client-node still reads the
 * kubeconfig, builds the paths and discovers the kinds that are not built in (the built-in
 * ones are known without asking: `builtInResource`); its generated request pipeline and
 * models are skipped, because on a fast server they cost more than the request itself, and
 * the models rename reserved words (`from` is `_from`). Objects go out and come back as the
 * API's plain JSON. An answer other than 2xx is an ApiException, as client-node throws it.
 */
class ObjectApi extends KubernetesObjectApi {
  timeoutMs = defaultRequestTimeoutMs;

  constructor(
    configuration: Configuration,
    readonly server: string,
    private readonly credentials: ReusedCredentials,
  ) {
    super(configuration);
  }

  protected override requestPromise<T extends KubernetesObject>(request: RequestContext): Promise<T> {
    return this.send(
      request.getHttpMethod(),
      request.getUrl(),
      request.getHeaders(),
      request.getBody() as string | undefined,
    );
  }

  /** One request to `url` (on the API server), with the credentials and the deadline. */
  private async send<T>(
    method: string,
    url: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    let text: string;
    try {
      const credentials = await this.credentials.current();
      response = await fetch(url, withCredentials({ method, headers, body, signal: deadline }, credentials));
      text = await response.text();
    } catch (e) {
      const site = { server: this.server, method, path: new URL(url).pathname };
      if (deadline.aborted) throw timedOut(site, this.timeoutMs, e);
      throw unreachable(this.server, e);
    }
    if (response.ok) return JSON.parse(text) as T;
    throw new ApiException(
      response.status,
      "Unsuccessful HTTP Request",
      text,
      Object.fromEntries(response.headers),
    );
  }

  /** The first discovery of each API version, so concurrent requests wait for it rather than repeat it. */
  private readonly discovering = new Map<string, Promise<unknown>>();

  /**
   * A built-in kind's resource is known without asking; discovery of any other API version
   * happens once, however many requests need it at the same moment.
   */
  protected override async resource(
    apiVersion: string,
    kind: string,
    options?: Configuration,
  ): ReturnType<KubernetesObjectApi["resource"]> {
    const builtIn = builtInResource(apiVersion, kind);
    if (builtIn)
      return { kind, name: builtIn.plural, namespaced: builtIn.namespaced, singularName: "", verbs: [] };
    const first = this.discovering.get(apiVersion);
    if (first) {
      // Once it has answered, client-node's own cache has the version (or asks again after a failure).
      await first.catch(() => undefined);
      return super.resource(apiVersion, kind, options);
    }
    const found = super.resource(apiVersion, kind, options);
    this.discovering.set(apiVersion, found);
    return found;
  }

  /**
   * A server-side apply of `object` as written (JSON is YAML to the API). Sent once per object,
   * so its URL is put together here rather than through client-node's request builder.
   */
  async serverSideApply(object: KubeObject, dryRun: boolean, force: boolean): Promise<KubernetesObject> {
    const path = await this.specUriPath(object as KubernetesObject, "patch");
    const query = `${dryRun ? "dryRun=All&" : ""}fieldManager=${encodeURIComponent(fieldManager)}&force=${force}`;
    return this.send(
      "PATCH",
      `${this.server}${path}?${query}`,
      { Accept: "application/json", "Content-Type": PatchStrategy.ServerSideApply },
      JSON.stringify(object),
    );
  }

  collectionPath(kind: KindRef, namespace: string | undefined): Promise<string> {
    return this.specUriPath(
      { apiVersion: kind.apiVersion, kind: kind.kind, metadata: namespace ? { namespace } : {} },
      "list",
    );
  }
}

/**
 * A plain API object as flyby reads it: list items come without their kind, so it is set. The
 * object was parsed from this one response and nothing else holds it, so it is set in place
 * rather than copied (a LIST of a thousand objects would otherwise be copied whole).
 */
function asObject(o: unknown, apiVersion: string, kind: string): KubeObject {
  const object = o as { apiVersion: string; kind: string };
  object.apiVersion = apiVersion;
  object.kind = kind;
  return object as KubeObject;
}

export interface KubeTargetOptions {
  /** How long one request may take (default 30 s); then it fails as a NetworkFailure naming the URL. */
  readonly requestTimeoutMs?: number;
  /** How long a watch may stay silent before it is dropped and opened again (default 60 s). */
  readonly watchIdleMs?: number;
  /**
   * Ask for BOOKMARK events (default on, as client-go's reflector behind `kubectl rollout status`
   * asks): they keep a quiet watch audibly alive. The watchdog does not depend on them: the
   * server ends each watch after `timeoutSeconds`, half the idle period, so a healthy quiet
   * watch never trips it.
   */
  readonly watchBookmarks?: boolean;
  /** How long credentials worked out from the kubeconfig are reused (default 5 s; 0: every request). */
  readonly credentialsReuseMs?: number;
}

/** A Kubernetes API server behind @kubernetes/client-node 1.4.0, as an apply target. */
export class KubeApplyTarget implements ApplyTarget {
  private readonly client: ObjectApi;
  private readonly credentials: ReusedCredentials;
  readonly server: string;
  private readonly watchIdleMs: number;
  private readonly watchBookmarks: boolean;

  constructor(
    private readonly kc: KubeConfig,
    readonly name: string,
    options: KubeTargetOptions = {},
  ) {
    this.server = kc.getCurrentCluster()?.server ?? "(no server in kubeconfig)";
    this.credentials = new ReusedCredentials(kc, options.credentialsReuseMs);
    this.client = new ObjectApi(
      createConfiguration({ baseServer: new ServerConfiguration(this.server, {}) }),
      this.server,
      this.credentials,
    );
    this.client.timeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
    this.watchIdleMs = options.watchIdleMs ?? defaultWatchIdleMs;
    this.watchBookmarks = options.watchBookmarks ?? true;
  }

  /** Sets the deadline of each request from now on (`--request-timeout`). */
  setRequestTimeout(ms: number): void {
    this.client.timeoutMs = ms;
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toFailure(e, this.server);
    }
  }

  async list(kind: KindRef, namespace: string | undefined): Promise<KubeObject[]> {
    const list = await this.call(() => this.client.list(kind.apiVersion, kind.kind, namespace));
    return list.items.map((o) => asObject(o, kind.apiVersion, kind.kind));
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    const spec = { apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
    try {
      return asObject(await this.call(() => this.client.read(spec as never)), apiVersion, ref.kind);
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 404) return undefined;
      throw e;
    }
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const stored = await this.call(() => this.client.serverSideApply(object, options.dryRun, options.force));
    return asObject(stored, object.apiVersion, object.kind);
  }

  async delete(ref: ObjectRef, options: { readonly dryRun: boolean }): Promise<void> {
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    const spec = { apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
    await this.call(() =>
      this.client.delete(
        spec,
        undefined,
        options.dryRun ? "All" : undefined,
        undefined,
        undefined,
        "Background",
      ),
    );
  }

  /**
   * A Watch whose requests carry the credentials the other requests do, and also end when
   * `signal` aborts. client-node 1.4.0 sets its own AbortSignal on the request after asking the
   * kubeconfig for the fetch options; the signal given here is joined to it.
   */
  private watcherWith(signal: AbortSignal): Watch {
    const kc = this.kc;
    const credentials = this.credentials;
    const config = {
      getCurrentCluster: () => kc.getCurrentCluster(),
      async applyToFetchOptions() {
        const { headers, agent } = await credentials.current();
        const init: Record<string, unknown> = { agent, headers: new Headers(headers) };
        let joined: AbortSignal = signal;
        Object.defineProperty(init, "signal", {
          enumerable: true,
          configurable: true,
          get: () => joined,
          set: (own: AbortSignal | undefined) => {
            joined = own ? AbortSignal.any([own, signal]) : signal;
          },
        });
        return init;
      },
    };
    return new Watch(config as unknown as KubeConfig);
  }

  /**
   * Watches a collection until stopped. The server is asked for bookmarks and to end each
   * stream after `timeoutSeconds`; a stream silent for longer than the watch idle period (a
   * frozen server, a lost connection) is aborted. Either way the watch is opened again.
   * Failures go to `onError`; waiting ends on the caller's deadline, not here.
   */
  async watch(
    kind: KindRef,
    namespace: string | undefined,
    onEvent: (e: WatchEvent) => void,
    onError?: (e: Error) => void,
  ): Promise<() => void> {
    const path = await this.call(() => this.client.collectionPath(kind, namespace));
    const idleMs = this.watchIdleMs;
    const timeoutSeconds = Math.max(1, Math.floor(idleMs / 2000));
    let stopped = false;
    let current: AbortController | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const start = (): void => {
      if (stopped) return;
      const idle = new AbortController();
      current = idle;
      let silent = false;
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          silent = true;
          idle.abort();
        }, idleMs);
      };
      const again = (failed: boolean) => {
        clearTimeout(timer);
        if (!stopped && current === idle) setTimeout(start, failed ? 1000 : 100);
      };
      touch();
      this.watcherWith(idle.signal)
        .watch(
          path,
          { allowWatchBookmarks: this.watchBookmarks, timeoutSeconds },
          (type, object) => {
            touch();
            if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
              onEvent({ type, object: { ...object, apiVersion: kind.apiVersion, kind: kind.kind } });
            }
          },
          (err) => {
            if (stopped) return;
            if (silent) {
              onError?.(
                new KubeNetworkFailure(
                  `the watch of ${this.server}${path} sent nothing for ${formatMs(idleMs)}; opening it again`,
                ).plain(),
              );
            } else if (err) onError?.(watchFailure(err, `${this.server}${path}`, this.server));
            again(Boolean(err) || silent);
          },
        )
        .catch((e: unknown) => {
          onError?.(toFailure(e, this.server));
          again(true);
        });
    };
    start();
    return () => {
      stopped = true;
      clearTimeout(timer);
      current?.abort();
    };
  }
}
