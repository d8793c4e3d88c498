import type { KubeObject, ObjectRef } from "../core/kube/object.ts";

/** A kind as the API serves it: enough to list it. */
export interface KindRef {
  readonly apiVersion: string;
  readonly kind: string;
}

/** The field manager of every server-side apply flyby sends: the fields it owns on the server. */
export const fieldManager = "flyby";

export interface ApplyOptions {
  readonly force: boolean;
  readonly dryRun: boolean;
}

/** What a watch reports: the object as it is now, or that it is gone. */
export type WatchEvent =
  | { readonly type: "ADDED" | "MODIFIED"; readonly object: KubeObject }
  | { readonly type: "DELETED"; readonly object: KubeObject };

/**
 * Where `apply` writes: a Kubernetes API server or a folder of hydrated manifests. The core
 * plans against this interface; the adapters implement it and report failures as ApiFailure
 * or NetworkFailure so the core can decide what to retry.
 */
export interface ApplyTarget {
  /** A readable name for reports: `dir:out/`, `gke:projects/p/locations/l/clusters/c`, a context. */
  readonly name: string;
  /** The API server's URL, for a target that has one: a report of a failure names it. */
  readonly server?: string;
  /** Every object of a kind, in one namespace (or cluster-wide for cluster-scoped kinds). */
  list(kind: KindRef, namespace: string | undefined): Promise<KubeObject[]>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  /** Server-side apply with the field manager `fieldManager`; returns the object as stored. */
  apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject>;
  /** Deletes with Background propagation. */
  delete(ref: ObjectRef, options: { readonly dryRun: boolean }): Promise<void>;
  /**
   * Streams changes of a kind in a namespace until the returned function is called. Targets
   * with nothing to wait for (a folder) leave this out. A target that reopens broken streams
   * itself may report why they broke through `onError`.
   */
  watch?(
    kind: KindRef,
    namespace: string | undefined,
    onEvent: (e: WatchEvent) => void,
    onError?: (e: Error) => void,
  ): Promise<() => void>;
  /** Makes the writes durable, for targets that stage them (a folder is replaced whole). */
  commit?(): Promise<void>;
}

/** A Status the API answered with (4xx/5xx), kept as the API wrote it. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details: {
      readonly causes?: readonly {
        readonly field?: string;
        readonly message?: string;
        readonly reason?: string;
      }[];
      readonly retryAfterSeconds?: number;
    } = {},
  ) {
    super(message);
    this.name = "ApiFailure";
  }
}

/** The connection failed before an answer came: reset, refused, timed out. */
export class NetworkFailure extends Error {
  /**
   * Worth another try: a reset or refused connection may pass, but a request that used its
   * whole deadline would only use it again (kubectl does not retry one either).
   */
  readonly transient: boolean;
  constructor(message: string, options?: { cause?: unknown; transient?: boolean }) {
    super(message, options);
    this.name = "NetworkFailure";
    this.transient = options?.transient ?? true;
  }
}

/** A failure the cluster answered with, or of the way to it: that cluster's answer, not a fault of flyby. */
export function isTargetFailure(e: unknown): e is ApiFailure | NetworkFailure {
  return e instanceof ApiFailure || e instanceof NetworkFailure;
}
