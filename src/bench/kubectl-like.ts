import { forEachBounded } from "../apply/pool.ts";
import { fieldManager } from "../apply/port.ts";
import { builtInResource, stageOf } from "../core/kube/kinds.ts";
import type { KubeObject } from "../core/kube/object.ts";

/**
 * A minimal REST client over fetch for the benchmarks' two references:
 * - `KubectlLike`: the request pattern of kubectl 1.26 as measured on a real API server.
 *   `apply --server-side` sends one server-side-apply PATCH per object, one after another;
 *   `diff --server-side` sends, per object in turn, a GET and a dry-run server-side-apply
 *   PATCH, then compares the two. One request in flight at a time (kubectl's one HTTP/2
 *   stream at a time; here one keep-alive connection). Discovery is not sent: kubectl reads it
 *   from its disk cache on a warm machine.
 * - `bareApplies`: the floor, the same server-side applies flyby sends, with flyby's
 *   concurrency and stage order, and no other work (no LIST, no comparison, no report).
 * Both send flyby's field manager and the objects exactly as given (the caller passes them as
 * flyby applies them), so the server does the same work for every client.
 */

/** `/api/v1/namespaces/a/configmaps/x`, `/apis/apps/v1/namespaces/a/deployments/y`. */
export function objectPath(o: KubeObject): string {
  const r = builtInResource(o.apiVersion, o.kind);
  if (!r) throw new Error(`the bench client knows no path for ${o.apiVersion} ${o.kind}`);
  const root = o.apiVersion.includes("/") ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
  const scope = r.namespaced ? `/namespaces/${o.metadata.namespace}` : "";
  return `${root}${scope}/${r.plural}/${o.metadata.name}`;
}

class RestClient {
  constructor(
    private readonly server: string,
    private readonly token: string,
  ) {}

  async send(method: string, path: string, body?: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.server}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: "application/json",
        ...(body === undefined ? {} : { "Content-Type": "application/apply-patch+yaml" }),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as Record<string, unknown>;
  }

  /** Server-side apply (JSON is YAML), force off, as `kubectl apply --server-side` sends it. */
  apply(o: KubeObject, dryRun: boolean): Promise<Record<string, unknown>> {
    const query = `?fieldManager=${fieldManager}&force=false${dryRun ? "&dryRun=All" : ""}`;
    return this.send("PATCH", `${objectPath(o)}${query}`, JSON.stringify(o));
  }

  /** A dry-run or real server-side apply to a path and query taken from another client's requests. */
  applyAt(pathAndQuery: string, o: KubeObject): Promise<Record<string, unknown>> {
    return this.send("PATCH", pathAndQuery, JSON.stringify(o));
  }

  get(o: KubeObject): Promise<Record<string, unknown> | undefined> {
    return this.send("GET", objectPath(o)).catch((e: Error) => {
      if (e.message.includes("HTTP 404")) return undefined;
      throw e;
    });
  }
}

/** What `kubectl diff` prints of an object: managedFields are left out unless asked for. */
function shown(o: Record<string, unknown> | undefined): string {
  if (!o) return "";
  const { managedFields: _, ...metadata } = (o.metadata ?? {}) as Record<string, unknown>;
  return JSON.stringify({ ...o, metadata });
}

export class KubectlLike {
  private readonly client: RestClient;

  constructor(server: string, token: string) {
    this.client = new RestClient(server, token);
  }

  /** `kubectl apply --server-side -f fleet/`: one apply per object, serially. */
  async apply(objects: readonly KubeObject[]): Promise<void> {
    for (const o of objects) await this.client.apply(o, false);
  }

  /**
   * `kubectl diff --server-side -f fleet/`: per object, GET the live object and dry-run the
   * apply, serially. Returns how many objects differ (what kubectl would print a diff for).
   */
  async diff(objects: readonly KubeObject[]): Promise<number> {
    let changed = 0;
    for (const o of objects) {
      const live = await this.client.get(o);
      const merged = await this.client.apply(o, true);
      if (shown(live) !== shown(merged)) changed++;
    }
    return changed;
  }
}

/**
 * The floor: `objects` applied (or dry-run) stage by stage as flyby orders them, `concurrency`
 * requests in flight, nothing else.
 */
export async function bareApplies(
  server: string,
  token: string,
  objects: readonly KubeObject[],
  concurrency: number,
  dryRun: boolean,
): Promise<void> {
  const client = new RestClient(server, token);
  const stages = [...new Set(objects.map((o) => stageOf(o.kind)))].sort((a, b) => a - b);
  for (const stage of stages) {
    const items = objects.filter((o) => stageOf(o.kind) === stage);
    await forEachBounded(items, concurrency, async (o) => {
      await client.apply(o, dryRun);
    });
  }
}

/** A request as the fake API server recorded it. */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
}

/**
 * The floor for a run that reads as well as writes: the same requests (GETs and LISTs first,
 * then the PATCHes, each PATCH carrying the object found at its path in `objects`), with
 * `concurrency` in flight, and nothing else done with the answers.
 */
export async function bareReplay(
  server: string,
  token: string,
  requests: readonly SentRequest[],
  objects: readonly KubeObject[],
  concurrency: number,
): Promise<void> {
  const client = new RestClient(server, token);
  const byPath = new Map(objects.map((o) => [objectPath(o), o]));
  const reads = requests.filter((r) => r.method === "GET");
  const patches = requests.filter((r) => r.method === "PATCH");
  if (reads.length + patches.length !== requests.length)
    throw new Error("the floor replays GET and PATCH requests only");
  await forEachBounded(reads, concurrency, async (r) => {
    await client.send("GET", `${r.path}${r.query}`);
  });
  await forEachBounded(patches, concurrency, async (r) => {
    const o = byPath.get(r.path);
    if (!o) throw new Error(`the floor has no object for ${r.path}`);
    await client.applyAt(`${r.path}${r.query}`, o);
  });
}
