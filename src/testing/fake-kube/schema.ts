/**
 * The slice of the Kubernetes OpenAPI merge metadata that server-side apply needs:
 * which lists are maps keyed by fields, which are sets, and which structs are atomic.
 * Names are matched on the field path (list elements skipped), e.g. spec.template.spec.containers.
 */
export type Obj = Record<string, unknown>;

export type ListType =
  | { readonly type: "map"; readonly keys: readonly string[] }
  | { readonly type: "set" }
  | { readonly type: "atomic" };

const containerLists = new Set(["containers", "initContainers", "ephemeralContainers"]);

const mapLists: Readonly<Record<string, readonly string[]>> = {
  containers: ["name"],
  initContainers: ["name"],
  ephemeralContainers: ["name"],
  env: ["name"],
  volumes: ["name"],
  volumeMounts: ["mountPath"],
  volumeDevices: ["devicePath"],
  imagePullSecrets: ["name"],
  conditions: ["type"],
  ownerReferences: ["uid"],
  hostAliases: ["ip"],
  podIPs: ["ip"],
  topologySpreadConstraints: ["topologyKey", "whenUnsatisfiable"],
};

/** Default values of list-map key fields, used when an element leaves the key out. */
export const keyDefaults: Readonly<Record<string, unknown>> = { protocol: "TCP" };

export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function listTypeOf(names: readonly string[], kind: string): ListType {
  const last = names.at(-1) ?? "";
  const parent = names.at(-2) ?? "";
  if (last === "ports") {
    if (containerLists.has(parent)) return { type: "map", keys: ["containerPort", "protocol"] };
    if (kind === "Service" && names.length === 2) return { type: "map", keys: ["port", "protocol"] };
    return { type: "atomic" };
  }
  if (last === "finalizers" && (parent === "metadata" || parent === "spec")) return { type: "set" };
  if (kind === "CustomResourceDefinition" && last === "versions") return { type: "atomic" };
  const keys = mapLists[last];
  return keys ? { type: "map", keys } : { type: "atomic" };
}

const selectorOwners = new Set(["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"]);

/** Structs and maps the API replaces as a whole (`+structType=atomic`, `+mapType=atomic`). */
export function isAtomicMap(names: readonly string[], kind: string): boolean {
  const path = names.join(".");
  if (path === "spec.selector") return selectorOwners.has(kind) || kind === "Service";
  const last = names.at(-1);
  if (kind === "Event" && path === "involvedObject") return true;
  return last === "ownerReferences" || last === "labelSelector" || last === "namespaceSelector";
}

/** The `k:{...}` key of a list-map element, with defaulted key fields filled in. */
export function elementKey(element: Obj, keys: readonly string[]): string {
  const parts = keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(element[k] ?? keyDefaults[k])}`);
  return `k:{${parts.join(",")}}`;
}

/** Field paths the API server never counts as owned. */
export function isIdentityField(names: readonly string[]): boolean {
  if (names.length === 1) return names[0] === "apiVersion" || names[0] === "kind";
  if (names.length === 2 && names[0] === "metadata") {
    return [
      "name",
      "namespace",
      "uid",
      "resourceVersion",
      "generation",
      "creationTimestamp",
      "managedFields",
      "deletionTimestamp",
      "deletionGracePeriodSeconds",
      "selfLink",
    ].includes(names[1] ?? "");
  }
  return false;
}
