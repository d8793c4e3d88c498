import {
  ApiException,
  type KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  Watch,
} from "@kubernetes/client-node";
// Not re-exported by the package root: the converters between API JSON and client-node's models.
import { fieldManager } from "../apply/inventory.ts";
import {
  ApiFailure,
  type ApplyOptions,
  type ApplyTarget,
  type KindRef,
  NetworkFailure,
  type WatchEvent,
} from "../apply/port.ts";
import type { KubeObject, ObjectRef } from "../core/kube/object.ts";
import { fromModel, statusOf, toModel } from "../kube/models.ts";

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === name) return String(v);
  return undefined;
}

/** client-node's errors as the apply core's: an API answer, or a connection that broke. */
export function toFailure(e: unknown): Error {
  if (e instanceof ApiException) {
    const status = statusOf(e.body);
    const retryAfter = Number(headerOf(e.headers, "retry-after"));
    return new ApiFailure(e.code, status.reason ?? "", status.message ?? `HTTP ${e.code}`, {
      ...(status.details?.causes ? { causes: status.details.causes } : {}),
      ...(Number.isFinite(retryAfter) && retryAfter >= 0 ? { retryAfterSeconds: retryAfter } : {}),
    });
  }
  const message = e instanceof Error ? e.message : String(e);
  if (message.startsWith("Unrecognized API version and kind"))
    return new ApiFailure(404, "NotFound", message);
  return new NetworkFailure(message, { cause: e });
}

/** Exposes the collection path client-node derives from discovery, for watches. */
class ObjectApi extends KubernetesObjectApi {
  collectionPath(kind: KindRef, namespace: string | undefined): Promise<string> {
    return this.specUriPath(
      { apiVersion: kind.apiVersion, kind: kind.kind, metadata: namespace ? { namespace } : {} },
      "list",
    );
  }
}

/** A Kubernetes API server behind @kubernetes/client-node 1.4.0, as an apply target. */
export class KubeApplyTarget implements ApplyTarget {
  private readonly client: ObjectApi;
  private readonly watcher: Watch;

  constructor(
    kc: KubeConfig,
    readonly name: string,
  ) {
    this.client = kc.makeApiClient(ObjectApi);
    this.watcher = new Watch(kc);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw toFailure(e);
    }
  }

  async list(kind: KindRef, namespace: string | undefined): Promise<KubeObject[]> {
    const list = await this.call(() => this.client.list(kind.apiVersion, kind.kind, namespace));
    return list.items.map((o) => fromModel(o, kind.apiVersion, kind.kind));
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    const apiVersion = ref.group ? `${ref.group}/${ref.version}` : ref.version;
    const spec = { apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
    try {
      return fromModel(await this.call(() => this.client.read(spec as never)), apiVersion, ref.kind);
    } catch (e) {
      if (e instanceof ApiFailure && e.status === 404) return undefined;
      throw e;
    }
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    const spec = toModel(object);
    const stored = await this.call(() =>
      this.client.patch(
        spec,
        undefined,
        options.dryRun ? "All" : undefined,
        fieldManager,
        options.force,
        PatchStrategy.ServerSideApply,
      ),
    );
    return fromModel(stored, object.apiVersion, object.kind);
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

  /** Watches a collection, restarting the stream when the server closes it, until stopped. */
  async watch(
    kind: KindRef,
    namespace: string | undefined,
    onEvent: (e: WatchEvent) => void,
  ): Promise<() => void> {
    const path = await this.call(() => this.client.collectionPath(kind, namespace));
    let stopped = false;
    let current: AbortController | undefined;
    const start = async (): Promise<void> => {
      if (stopped) return;
      current = await this.watcher.watch(
        path,
        { allowWatchBookmarks: false },
        (type, object) => {
          if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
            onEvent({ type, object: { ...object, apiVersion: kind.apiVersion, kind: kind.kind } });
          }
        },
        () => {
          if (!stopped) setTimeout(() => void start(), 200);
        },
      );
    };
    await start();
    return () => {
      stopped = true;
      current?.abort();
    };
  }
}
