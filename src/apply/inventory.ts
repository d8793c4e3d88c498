import { createHash } from "node:crypto";
import { groupOf, type KubeObject } from "../core/kube/object.ts";

/** ApplySet labels and annotations (KEP-3659). */
export const ApplySetKeys = {
  partOf: "applyset.kubernetes.io/part-of",
  id: "applyset.kubernetes.io/id",
  tooling: "applyset.kubernetes.io/tooling",
  containsGroupKinds: "applyset.kubernetes.io/contains-group-kinds",
  additionalNamespaces: "applyset.kubernetes.io/additional-namespaces",
} as const;

/**
 * On the parent: the sha256 of the objects the last complete apply wrote (the one `flyby apply
 * --json` prints), so `flyby status` can say what runs on each cluster.
 */
export const appliedObjectsAnnotation = "flyby.overflying.io/objects-sha256";

export const tooling = "flyby/v1";

/** Where an environment records what it applied: a ConfigMap in its app namespace. */
export interface ApplySetParent {
  readonly name: string;
  readonly namespace: string;
  /** `applyset-<base64url(sha256(name.namespace.kind.group))>-v1`, as the KEP defines it. */
  readonly id: string;
}

export function applySetParent(environment: string, namespace: string): ApplySetParent {
  const name = `flyby-applyset-${environment}`;
  const digest = createHash("sha256").update(`${name}.${namespace}.ConfigMap.`).digest("base64url");
  return { name, namespace, id: `applyset-${digest}-v1` };
}

/** `Kind.group` (or `Kind` for the core group), the KEP's spelling of a group-kind. */
export function groupKindOf(o: { apiVersion: string; kind: string }): string {
  const group = groupOf(o.apiVersion);
  return group ? `${o.kind}.${group}` : o.kind;
}

/** The recorded inventory: which group-kinds and namespaces the set has members in. */
export interface InventoryRecord {
  readonly groupKinds: readonly string[];
  readonly namespaces: readonly string[];
}

const splitList = (v: string | undefined): string[] =>
  (v ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

export function readInventory(parent: KubeObject | undefined): InventoryRecord {
  const a = parent?.metadata.annotations ?? {};
  return {
    groupKinds: splitList(a[ApplySetKeys.containsGroupKinds]),
    namespaces: splitList(a[ApplySetKeys.additionalNamespaces]),
  };
}

export function inventoryOf(objects: readonly KubeObject[]): InventoryRecord {
  return {
    groupKinds: [...new Set(objects.map(groupKindOf))].sort(),
    namespaces: [
      ...new Set(objects.flatMap((o) => (o.metadata.namespace === undefined ? [] : [o.metadata.namespace]))),
    ].sort(),
  };
}

export function unionInventory(a: InventoryRecord, b: InventoryRecord): InventoryRecord {
  return {
    groupKinds: [...new Set([...a.groupKinds, ...b.groupKinds])].sort(),
    namespaces: [...new Set([...a.namespaces, ...b.namespaces])].sort(),
  };
}

/** The sha256 a parent records for the objects last applied in full, if any. */
export function appliedObjectsOf(parent: KubeObject | undefined): string | undefined {
  return parent?.metadata.annotations?.[appliedObjectsAnnotation] || undefined;
}

/** The parent object recording `record` and, when known, the sha256 of the objects applied. */
export function parentObject(
  parent: ApplySetParent,
  record: InventoryRecord,
  objectsSha256?: string,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: parent.name,
      namespace: parent.namespace,
      labels: { [ApplySetKeys.id]: parent.id },
      annotations: {
        [ApplySetKeys.tooling]: tooling,
        [ApplySetKeys.containsGroupKinds]: record.groupKinds.join(","),
        [ApplySetKeys.additionalNamespaces]: record.namespaces
          .filter((n) => n !== parent.namespace)
          .join(","),
        ...(objectsSha256 ? { [appliedObjectsAnnotation]: objectsSha256 } : {}),
      },
    },
  };
}

/** The object with the set's membership label added. */
export function withMembership(o: KubeObject, parent: ApplySetParent): KubeObject {
  return {
    ...o,
    metadata: { ...o.metadata, labels: { ...(o.metadata.labels ?? {}), [ApplySetKeys.partOf]: parent.id } },
  };
}

export function isMember(o: KubeObject, parent: ApplySetParent): boolean {
  return o.metadata.labels?.[ApplySetKeys.partOf] === parent.id;
}
