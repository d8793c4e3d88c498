import { appliedHashAnnotation } from "../apply/compare.ts";
import { type KubeObject, secretAsStored } from "../core/kube/object.ts";

type Obj = Record<string, unknown>;

/** One kind of field the diff ignores, listed in the report's footnote. */
export interface IgnoredField {
  readonly path: string;
  readonly why: string;
}

/** Fields the API server or its controllers own: never a change a reviewer made. */
export const ignoredFields: readonly IgnoredField[] = [
  { path: "status", why: "written by controllers" },
  { path: "metadata.managedFields", why: "server-side apply bookkeeping" },
  { path: "metadata.resourceVersion", why: "storage version" },
  { path: "metadata.uid", why: "assigned by the server" },
  { path: "metadata.creationTimestamp", why: "assigned by the server" },
  { path: "metadata.generation", why: "counted by the server" },
  { path: "metadata.selfLink", why: "assigned by the server" },
  { path: "metadata.deletionTimestamp / deletionGracePeriodSeconds", why: "deletion in progress" },
  { path: "metadata.ownerReferences (controller-set)", why: "set by controllers" },
  {
    path: "metadata.annotations[kubectl.kubernetes.io/last-applied-configuration]",
    why: "client-side apply copy",
  },
  {
    path: `metadata.annotations[${appliedHashAnnotation}]`,
    why: "flyby's record of what it applied",
  },
  {
    path: "metadata.annotations[deployment.kubernetes.io/revision]",
    why: "set by the Deployment controller",
  },
  { path: "spec.template.metadata.creationTimestamp", why: "always null" },
  { path: "Service spec.clusterIP / spec.clusterIPs (unless None)", why: "allocated by the server" },
  { path: "empty labels/annotations maps", why: "same as absent" },
];

const serverAnnotations = [
  "kubectl.kubernetes.io/last-applied-configuration",
  "deployment.kubernetes.io/revision",
  "deprecated.daemonset.template.generation",
  appliedHashAnnotation,
];

const serverMetadata = [
  "managedFields",
  "resourceVersion",
  "uid",
  "creationTimestamp",
  "generation",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * The object as a reviewer should compare it: server-managed fields dropped, Secret
 * stringData folded into data (as the API server stores it). Only the maps it edits are
 * copied; the rest is the input's own, shared and never changed. Key order is left as it
 * is: equality ignores it, and the paths and the YAML text put keys in their own order.
 */
export function normalizeObject(o: KubeObject): KubeObject {
  const { status: _status, ...copy } = o as Obj;
  const meta = { ...(copy.metadata as Obj) };
  for (const k of serverMetadata) delete meta[k];
  const owners = (meta.ownerReferences ?? []) as Obj[];
  if (owners.length > 0 && owners.every((r) => r.controller === true)) delete meta.ownerReferences;
  if (isObj(meta.annotations)) {
    const annotations = { ...meta.annotations };
    for (const k of serverAnnotations) delete annotations[k];
    meta.annotations = annotations;
  }
  for (const k of ["labels", "annotations"]) {
    if (isObj(meta[k]) && Object.keys(meta[k] as Obj).length === 0) delete meta[k];
  }
  copy.metadata = meta;
  if (isObj(copy.spec)) {
    const spec = { ...copy.spec };
    const template = spec.template;
    if (isObj(template) && isObj(template.metadata) && template.metadata.creationTimestamp === null) {
      const { creationTimestamp: _c, ...rest } = template.metadata;
      spec.template = { ...template, metadata: rest };
    }
    if (copy.kind === "Service" && spec.clusterIP !== "None") {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    copy.spec = spec;
  }
  return secretAsStored(copy as KubeObject);
}
