import {
  ApiException,
  type Configuration,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type V1APIResource,
} from "@kubernetes/client-node";
import { EnvironmentError, InputError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { ForbiddenError, type LiveCluster, RejectedError } from "../diff/live.ts";
import { fromModel, statusOf, toModel } from "./models.ts";

/** The field manager flyby applies and dry-runs as. */
export const fieldManager = "flyby";

export interface KubeConfigSource {
  /** Path to a kubeconfig; default: $KUBECONFIG or ~/.kube/config. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** Loads a kubeconfig the way kubectl does, then selects the context if one is named. */
export function loadKubeConfig(source: KubeConfigSource): KubeConfig {
  const kc = new KubeConfig();
  const file = source.kubeconfig ?? "(the default kubeconfig)";
  try {
    if (source.kubeconfig) kc.loadFromFile(source.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    // A kubeconfig that cannot be read is the caller's input to fix, not a cluster failure.
    throw new InputError(`cannot read kubeconfig: ${(e as Error).message}`, { file });
  }
  if (source.context) {
    if (!kc.getContextObject(source.context)) {
      throw new InputError(`no context "${source.context}" in ${file}`, undefined, "--context");
    }
    kc.setCurrentContext(source.context);
  }
  return kc;
}

/** A kubeconfig for one server and bearer token (tests, in-cluster tools). */
export function tokenKubeConfig(server: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    // client-node refuses plain http unless TLS verification is off; there is no TLS to verify.
    clusters: [{ name: "target", server, skipTLSVerify: server.startsWith("http:") }],
    users: [{ name: "flyby", token }],
    contexts: [{ name: "target", cluster: "target", user: "flyby" }],
    currentContext: "target",
  });
  return kc;
}

function causeOf(e: unknown): string {
  let c: unknown = e;
  const seen: string[] = [];
  while (c instanceof Error) {
    const code = (c as { code?: string }).code;
    seen.push(code ? `${c.message} (${code})` : c.message);
    c = c.cause;
  }
  return seen.join(": ") || String(e);
}

/** Fetches discovery once per apiVersion even when many requests start at the same moment. */
class SharedDiscoveryObjectApi extends KubernetesObjectApi {
  private readonly inflight = new Map<string, Promise<unknown>>();

  static forConfig(kc: KubeConfig): SharedDiscoveryObjectApi {
    const client = kc.makeApiClient(SharedDiscoveryObjectApi);
    client.setDefaultNamespace(kc);
    return client;
  }

  protected override async resource(
    apiVersion: string,
    kind: string,
    options?: Configuration,
  ): Promise<V1APIResource | undefined> {
    const first = this.inflight.get(apiVersion);
    if (first) await first.catch(() => undefined);
    const lookup = super.resource(apiVersion, kind, options);
    if (!first) this.inflight.set(apiVersion, lookup);
    return lookup;
  }
}

/**
 * The live cluster behind @kubernetes/client-node 1.4.0: LIST per kind and namespace,
 * server-side apply dry runs as field manager `flyby`, errors mapped to the CLI contract.
 */
export class KubeCluster implements LiveCluster {
  private readonly client: KubernetesObjectApi;
  readonly server: string;

  constructor(
    kc: KubeConfig,
    /** How long one request may take before the cluster counts as failed (exit 3). */
    private readonly timeoutMs = 30_000,
  ) {
    this.client = SharedDiscoveryObjectApi.forConfig(kc);
    this.server = kc.getCurrentCluster()?.server ?? "(no server in kubeconfig)";
  }

  /** Lists one kind in one namespace; a kind the cluster does not serve yet (a new CRD) has no objects. */
  async list(apiVersion: string, kind: string, namespace: string | undefined): Promise<KubeObject[]> {
    const list = await this.call("list", kind, async () => {
      try {
        return await this.client.list(apiVersion, kind, namespace);
      } catch (e) {
        const message = (e as Error).message ?? "";
        const unserved =
          message.startsWith("Unrecognized API version and kind") ||
          (e instanceof ApiException &&
            e.code === 404 &&
            message.startsWith("Failed to fetch resource metadata"));
        if (unserved) return { items: [] };
        throw e;
      }
    });
    return list.items.map((o) => fromModel(o, apiVersion, kind));
  }

  async dryRunApply(object: KubeObject): Promise<KubeObject> {
    const after = await this.call("patch", object.kind, () =>
      this.client.patch(toModel(object), undefined, "All", fieldManager, true, PatchStrategy.ServerSideApply),
    );
    return fromModel(after, object.apiVersion, object.kind);
  }

  private async call<T>(verb: string, kind: string, fn: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new EnvironmentError(
              `the Kubernetes API at ${this.server} did not answer within ${this.timeoutMs / 1000} s (${verb} ${kind})`,
            ),
          ),
        this.timeoutMs,
      );
    });
    try {
      return await Promise.race([fn(), timeout]);
    } catch (e) {
      if (e instanceof EnvironmentError) throw e;
      if (e instanceof ApiException) {
        const status = statusOf(e.body);
        if (e.code === 403) {
          throw new ForbiddenError(verb, status.details?.kind ?? kind, status.message ?? "forbidden");
        }
        // An error about a Secret may quote the value it rejected: keep only the reason.
        if (kind === "Secret") status.message = status.reason ?? "rejected";
        if (verb === "patch" && [400, 409, 422, 500].includes(e.code)) {
          throw new RejectedError(e.code, status.message ?? status.reason ?? "rejected");
        }
        if (e.code === 401)
          throw new EnvironmentError(
            `the Kubernetes API at ${this.server} refused the credentials (401 Unauthorized)`,
          );
        throw new EnvironmentError(
          `the Kubernetes API at ${this.server} answered ${e.code}${status.reason ? ` ${status.reason}` : ""}: ${status.message ?? "no message"}`,
        );
      }
      throw new EnvironmentError(`cannot reach the Kubernetes API at ${this.server}: ${causeOf(e)}`, {
        cause: e,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
