import { applyDefaults } from "./defaults.ts";
import {
  appliedFields,
  changedFields,
  deepEqual,
  deleteAt,
  describePath,
  type FieldSet,
  fromPaths,
  leafPaths,
  mergeApplied,
  union,
  valueAt,
  without,
} from "./fieldset.ts";
import { apiVersionOf, builtinResources, type ResourceType } from "./resources.ts";
import { isObj, type Obj } from "./schema.ts";
import { parseLabelSelector } from "./selector.ts";
import {
  ApiError,
  alreadyExists,
  applyConflict,
  badRequest,
  internalError,
  invalid,
  namespaceNotFound,
  namespaceTerminating,
  notFound,
  success,
} from "./status.ts";
import { immutableChanges, typeError, unknownFields, validateObject } from "./validate.ts";

export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: FieldSet;
  subresource?: string;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";

export interface ClusterEvent {
  readonly type: WatchEventType;
  readonly resource: ResourceType;
  readonly object: Obj;
}

export interface WriteResult {
  readonly status: 200 | 201;
  readonly object: Obj;
  readonly warnings: readonly string[];
}

const generationKinds = new Set([
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "CustomResourceDefinition",
  "Ingress",
  "NetworkPolicy",
  "PodDisruptionBudget",
  "HorizontalPodAutoscaler",
]);

const builtinKinds = new Set(builtinResources().map((r) => r.resource.kind));

const metadataOrder = [
  "name",
  "generateName",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "labels",
  "annotations",
  "ownerReferences",
  "finalizers",
  "managedFields",
];

export function formatTime(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function meta(o: Obj): Obj {
  return o.metadata as Obj;
}

function ordered(o: Obj, t: ResourceType): Obj {
  const m = meta(o);
  const sorted: Obj = {};
  for (const k of metadataOrder) if (m[k] !== undefined) sorted[k] = m[k];
  for (const [k, v] of Object.entries(m)) if (!(k in sorted) && v !== undefined) sorted[k] = v;
  const { kind: _k, apiVersion: _a, metadata: _m, ...rest } = o;
  const isCustom = !builtinKinds.has(t.resource.kind);
  const body: Obj = { kind: t.resource.kind, apiVersion: apiVersionOf(t), metadata: sorted, ...rest };
  return isCustom ? sortKeys(body) : body;
}

/** Custom resources come back with their keys in alphabetical order. */
function sortKeys(v: unknown): Obj {
  if (!isObj(v)) return v as Obj;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, isObj(v[k]) ? sortKeys(v[k]) : v[k]]),
  );
}

function entryKey(e: Pick<ManagedFieldsEntry, "manager" | "operation" | "subresource">): string {
  return `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ""}`;
}

/** kube-apiserver's order: Apply before Update, then by time, manager and subresource. */
function sortEntries(entries: ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return entries.sort(
    (p, q) =>
      p.operation.localeCompare(q.operation) ||
      p.time.localeCompare(q.time) ||
      p.manager.localeCompare(q.manager) ||
      (p.subresource ?? "").localeCompare(q.subresource ?? ""),
  );
}

function withoutSystemMeta(o: Obj): Obj {
  const { managedFields: _m, resourceVersion: _r, generation: _g, ...m } = meta(o);
  return { ...o, metadata: m };
}

function specChanged(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return rest;
  };
  return !deepEqual(strip(a), strip(b));
}

/**
 * The state of the fake API server: typed objects, one resourceVersion counter, managedFields
 * and the write semantics recorded from kube-apiserver v1.26 (see testdata/…/README.md).
 */
export class FakeCluster {
  private rv = 600;
  private readonly objects = new Map<string, Obj>();
  private readonly listeners = new Set<(e: ClusterEvent) => void>();
  readonly resources: ResourceType[] = builtinResources();

  constructor(readonly now: () => Date = () => new Date()) {}

  get resourceVersion(): number {
    return this.rv;
  }

  findResource(group: string, version: string, plural: string): ResourceType | undefined {
    return this.resources.find(
      (r) => r.group === group && r.version === version && r.resource.name === plural,
    );
  }

  resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.resources.find(
      (r) => apiVersionOf(r) === apiVersion && r.resource.kind === kind && !r.resource.name.includes("/"),
    );
  }

  register(t: ResourceType): void {
    if (!this.findResource(t.group, t.version, t.resource.name)) this.resources.push(t);
  }

  unregister(group: string, plural: string): void {
    for (let i = this.resources.length - 1; i >= 0; i--) {
      const r = this.resources[i];
      if (r && r.group === group && r.resource.name === plural) this.resources.splice(i, 1);
    }
  }

  subscribe(listener: (e: ClusterEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private key(t: ResourceType, namespace: string | undefined, name: string): string {
    return `${t.group}/${t.resource.name}/${namespace ?? ""}/${name}`;
  }

  private time(): string {
    return formatTime(this.now());
  }

  private entry(
    t: ResourceType,
    manager: string,
    operation: ManagedFieldsEntry["operation"],
    fieldsV1: FieldSet,
    subresource?: string,
  ): ManagedFieldsEntry {
    return {
      manager,
      operation,
      apiVersion: apiVersionOf(t),
      time: this.time(),
      fieldsType: "FieldsV1",
      fieldsV1,
      ...(subresource ? { subresource } : {}),
    };
  }

  private emit(type: WatchEventType, t: ResourceType, object: Obj): void {
    for (const l of this.listeners) l({ type, resource: t, object: structuredClone(object) });
  }

  private store(t: ResourceType, o: Obj, created: boolean): Obj {
    this.rv += 1;
    meta(o).resourceVersion = String(this.rv);
    const out = ordered(o, t);
    this.objects.set(this.key(t, meta(out).namespace as string | undefined, String(meta(out).name)), out);
    this.emit(created ? "ADDED" : "MODIFIED", t, out);
    return structuredClone(out);
  }

  /** The stored object, or undefined. Callers get a copy. */
  find(t: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const o = this.objects.get(this.key(t, t.resource.namespaced ? namespace : undefined, name));
    return o ? structuredClone(o) : undefined;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): Obj {
    const o = this.find(t, namespace, name);
    if (!o) throw notFound(t, name);
    return o;
  }

  list(t: ResourceType, namespace: string | undefined, labelSelector: string | null): Obj[] {
    const matches = parseLabelSelector(labelSelector);
    const prefix = `${t.group}/${t.resource.name}/`;
    const out: Obj[] = [];
    for (const [k, o] of this.objects) {
      if (!k.startsWith(prefix)) continue;
      const m = meta(o);
      if (namespace !== undefined && m.namespace !== namespace) continue;
      if (!matches((m.labels ?? {}) as Record<string, string>)) continue;
      out.push(structuredClone(o));
    }
    return out.sort((a, b) =>
      `${meta(a).namespace}/${meta(a).name}`.localeCompare(`${meta(b).namespace}/${meta(b).name}`),
    );
  }

  private namespaceResource(): ResourceType {
    return this.resourceForKind("v1", "Namespace") as ResourceType;
  }

  /** Writes into a namespace need it to exist and not be terminating (reads don't check). */
  private checkNamespace(t: ResourceType, namespace: string | undefined, name: string): void {
    if (!t.resource.namespaced || namespace === undefined) return;
    const ns = this.find(this.namespaceResource(), undefined, namespace);
    if (!ns) throw namespaceNotFound(namespace);
    if ((ns.status as Obj | undefined)?.phase === "Terminating")
      throw namespaceTerminating(t, name, namespace);
  }

  private async checkTyped(t: ResourceType, namespace: string | undefined, name: string, body: Obj) {
    const where = `${namespace ? `${namespace}/` : ""}${name}; ${apiVersionOf(t)}, Kind=${t.resource.kind}`;
    const prefix = `failed to create typed patch object (${where}): `;
    const unknown = unknownFields(body, t.resource.kind)[0];
    if (unknown) throw internalError(`${prefix}${unknown}: field not declared in schema`);
    const typed = await typeError(body, t.group, t.version, t.resource.kind);
    if (typed) throw internalError(`${prefix}${typed}`);
  }

  private checkValid(t: ResourceType, o: Obj): void {
    const causes = validateObject(o, t.resource.kind);
    if (causes.length > 0) throw invalid(t.resource.kind, t.group, String(meta(o).name), causes);
  }

  /** Server-side apply (PATCH application/apply-patch+yaml). */
  async apply(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: Obj,
    opts: { manager: string; force: boolean; dryRun: boolean },
  ): Promise<WriteResult> {
    const bodyName = isObj(body.metadata) ? body.metadata.name : undefined;
    if (bodyName !== undefined && bodyName !== name) {
      throw badRequest(`the name of the object (${bodyName}) does not match the name on the URL (${name})`);
    }
    await this.checkTyped(t, namespace, name, body);
    const live = this.find(t, namespace, name);
    if (!live) this.checkNamespace(t, namespace, name);
    const { status: _ignored, ...applied } = body;
    const appliedSet = appliedFields(applied, t.resource.kind);
    const entry = this.entry(t, opts.manager, "Apply", appliedSet);
    if (!live) return this.createObject(t, namespace, name, applied, [entry], opts.dryRun);

    const entries = structuredClone((meta(live).managedFields ?? []) as ManagedFieldsEntry[]);
    const mine = entries.find((e) => entryKey(e) === entryKey(entry));
    const others = entries.filter((e) => e !== mine);
    const conflicts: { manager: string; field: string; path: string[] }[] = [];
    for (const path of leafPaths(appliedSet)) {
      if (path.at(-1) === ".") continue;
      const want = valueAt(applied, path);
      const have = valueAt(live, path);
      if (!have.found || (want.found && deepEqual(want.value, have.value))) continue;
      for (const e of others) {
        if (leafPaths(e.fieldsV1).some((p) => p.join() === path.join())) {
          conflicts.push({ manager: e.manager, field: describePath(path), path });
        }
      }
    }
    if (conflicts.length > 0 && !opts.force) throw applyConflict(conflicts);
    for (const e of others) {
      e.fieldsV1 = without(
        e.fieldsV1,
        conflicts.filter((c) => c.manager === e.manager).map((c) => c.path),
      );
    }

    const merged = mergeApplied(live, applied, t.resource.kind) as Obj;
    const stillOwned = others.flatMap((e) => leafPaths(e.fieldsV1).map((p) => p.join()));
    const dropped = mine ? without(mine.fieldsV1, leafPaths(appliedSet)) : ({} as FieldSet);
    const owned = new Set([...stillOwned, ...leafPaths(appliedSet).map((p) => p.join())]);
    for (const path of leafPaths(dropped).reverse()) {
      if (owned.has(path.join())) continue;
      deleteAt(merged, path);
      // A map left empty that nobody owns goes too (as `labels` does once its last key is dropped).
      for (let end = path.length - 1; end > 0; end--) {
        const parent = path.slice(0, end);
        const value = valueAt(merged, parent);
        const empty = value.found && isObj(value.value) && Object.keys(value.value).length === 0;
        if (!empty || owned.has(parent.join())) break;
        deleteAt(merged, parent);
      }
    }
    applyDefaults(merged, t.resource.kind);
    const immutable = immutableChanges(live, merged, t.resource.kind);
    if (immutable.length > 0) throw invalid(t.resource.kind, t.group, name, immutable);
    this.checkValid(t, merged);

    const ownershipSame =
      mine !== undefined && deepEqual(mine.fieldsV1, appliedSet) && conflicts.length === 0;
    if (ownershipSame && deepEqual(withoutSystemMeta(merged), withoutSystemMeta(live))) {
      return { status: 200, object: live, warnings: [] };
    }
    const nextEntries = [...others.filter((e) => leafPaths(e.fieldsV1).length > 0), entry];
    meta(merged).managedFields = sortEntries(nextEntries);
    if (generationKinds.has(t.resource.kind) || !builtinKinds.has(t.resource.kind)) {
      if (specChanged(merged, live)) meta(merged).generation = Number(meta(live).generation ?? 0) + 1;
    }
    if (opts.dryRun) return { status: 200, object: ordered(merged, t), warnings: [] };
    return { status: 200, object: this.store(t, merged, false), warnings: [] };
  }

  private createObject(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    body: Obj,
    entries: ManagedFieldsEntry[],
    dryRun: boolean,
  ): WriteResult {
    const o = structuredClone(body);
    const m: Obj = { ...(isObj(o.metadata) ? o.metadata : {}), name };
    if (t.resource.namespaced) m.namespace = namespace;
    m.uid = crypto.randomUUID();
    if (generationKinds.has(t.resource.kind) || !builtinKinds.has(t.resource.kind)) {
      m.generation = 1;
    }
    m.creationTimestamp = this.time();
    m.managedFields = entries;
    o.metadata = m;
    applyDefaults(o, t.resource.kind);
    this.checkValid(t, o);
    if (dryRun) return { status: 201, object: ordered(o, t), warnings: [] };
    return { status: 201, object: this.store(t, o, true), warnings: [] };
  }

  /** POST: create with Update semantics for managedFields. */
  create(
    t: ResourceType,
    namespace: string | undefined,
    body: Obj,
    opts: { manager: string; dryRun: boolean; strict: boolean },
  ): WriteResult {
    const name = String((body.metadata as Obj | undefined)?.name ?? "");
    const unknown = unknownFields(body, t.resource.kind);
    if (unknown.length > 0 && opts.strict) {
      const list = unknown.map((u) => `unknown field "${u.slice(1)}"`).join(", ");
      throw badRequest(
        `${t.resource.kind} in version "${t.version}" cannot be handled as a ${t.resource.kind}: strict decoding error: ${list}`,
      );
    }
    const clean = structuredClone(body);
    for (const u of unknown)
      deleteAt(
        clean,
        u
          .slice(1)
          .split(".")
          .map((f) => `f:${f}`),
      );
    if (this.find(t, namespace, name)) throw alreadyExists(t, name);
    this.checkNamespace(t, namespace, name);
    const { status: _status, ...withoutStatus } = clean;
    const entry = this.entry(
      t,
      opts.manager,
      "Update",
      changedFields(undefined, withoutStatus, t.resource.kind),
    );
    const result = this.createObject(t, namespace, name, withoutStatus, [entry], opts.dryRun);
    return { ...result, warnings: unknown.map((u) => `unknown field "${u.slice(1)}"`) };
  }

  /**
   * A write by a controller or an Update client: replaces the object, records the changed
   * fields for the manager (taking them from other managers), bumps resourceVersion.
   */
  write(t: ResourceType, next: Obj, manager: string, subresource?: "status"): Obj {
    const m = meta(next);
    const live = this.find(t, m.namespace as string | undefined, String(m.name));
    if (!live) throw notFound(t, String(m.name));
    const changed = changedFields(live, next, t.resource.kind);
    if (leafPaths(changed).length === 0) return live;
    // Fields the write took away are nobody's any more (unavailableReplicas once all are available, 75).
    const present = (set: FieldSet) => fromPaths(leafPaths(set).filter((p) => valueAt(next, p).found));
    const entries = ((meta(live).managedFields ?? []) as ManagedFieldsEntry[]).map((e) => ({
      ...e,
      fieldsV1: present(without(e.fieldsV1, leafPaths(changed))),
    }));
    const key = entryKey({ manager, operation: "Update", subresource });
    const existing = entries.find((e) => entryKey(e) === key);
    const entry = this.entry(t, manager, "Update", union(existing?.fieldsV1 ?? {}, changed), subresource);
    const kept = entries.filter((e) => e !== existing && leafPaths(e.fieldsV1).length > 0);
    const o = structuredClone(next);
    meta(o).managedFields = sortEntries([...kept, entry]);
    if (!subresource && generationKinds.has(t.resource.kind) && specChanged(o, live)) {
      meta(o).generation = Number(meta(live).generation ?? 0) + 1;
    }
    return this.store(t, o, false);
  }

  /** Creates an object on behalf of a controller (Update semantics, no admission checks). */
  insert(t: ResourceType, body: Obj, manager: string): Obj {
    const m = meta(body);
    const entry = this.entry(t, manager, "Update", changedFields(undefined, body, t.resource.kind));
    const o = structuredClone(body);
    Object.assign(meta(o), {
      uid: crypto.randomUUID(),
      creationTimestamp: this.time(),
      managedFields: [entry],
      ...(generationKinds.has(t.resource.kind) ? { generation: 1 } : {}),
    });
    if (this.find(t, m.namespace as string | undefined, String(m.name)))
      throw alreadyExists(t, String(m.name));
    return this.store(t, o, true);
  }

  /** Removes an object for good (after finalizers), emitting DELETED with a new resourceVersion. */
  remove(t: ResourceType, namespace: string | undefined, name: string, cascade = true): void {
    const key = this.key(t, t.resource.namespaced ? namespace : undefined, name);
    const o = this.objects.get(key);
    if (!o) return;
    this.objects.delete(key);
    this.rv += 1;
    meta(o).resourceVersion = String(this.rv);
    this.emit("DELETED", t, o);
    if (!cascade) return;
    for (const [k, dependent] of [...this.objects]) {
      const owners = (meta(dependent).ownerReferences ?? []) as Obj[];
      if (owners.some((r) => r.uid === meta(o).uid)) {
        const [g = "", plural = ""] = k.split("/");
        const dt = this.resources.find((r) => r.group === g && r.resource.name === plural);
        if (dt)
          this.remove(dt, meta(dependent).namespace as string | undefined, String(meta(dependent).name));
      }
    }
  }

  /** DELETE: Status for an immediate delete, the object while finalizers hold it. */
  delete(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: { dryRun: boolean; propagationPolicy?: string },
  ): Obj {
    const live = this.get(t, namespace, name);
    const m = meta(live);
    const finalizers = [...((m.finalizers ?? []) as string[])];
    const kind = t.resource.kind;
    if (kind === "Namespace") {
      live.status = { phase: "Terminating" };
    } else if (kind === "CustomResourceDefinition") {
      finalizers.push("customresourcecleanup.apiextensions.k8s.io");
      const status = live.status as Obj;
      status.conditions = [
        ...((status.conditions ?? []) as Obj[]),
        {
          type: "Terminating",
          status: "True",
          lastTransitionTime: this.time(),
          reason: "InstanceDeletionPending",
          message: "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon",
        },
      ];
    } else if (opts.propagationPolicy === "Foreground") {
      finalizers.push("foregroundDeletion");
      m.deletionGracePeriodSeconds = 0;
      if (m.generation !== undefined) m.generation = Number(m.generation) + 1;
    }
    if (finalizers.length === 0 && kind !== "Namespace") {
      if (!opts.dryRun) this.remove(t, namespace, name, opts.propagationPolicy !== "Orphan");
      return success(t, name, String(m.uid));
    }
    m.deletionTimestamp ??= this.time();
    if (finalizers.length > 0) m.finalizers = finalizers;
    if (opts.dryRun) return ordered(live, t);
    return this.store(t, live, false);
  }

  /** Everything stored, for controllers and tests. */
  all(): { resource: ResourceType; object: Obj }[] {
    const out: { resource: ResourceType; object: Obj }[] = [];
    for (const [k, o] of this.objects) {
      const [g = "", plural = ""] = k.split("/");
      const resource = this.resources.find((r) => r.group === g && r.resource.name === plural);
      if (resource) out.push({ resource, object: structuredClone(o) });
    }
    return out;
  }
}

export { ApiError };
