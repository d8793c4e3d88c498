import type { KubeObject } from "../kube/object.ts";

/** A file_sd target group: what Prometheus's discovery hands to relabelling. */
export interface TargetGroup {
  readonly targets: string[];
  readonly labels: Record<string, string>;
}

/** The parts of a `kubernetes_sd_configs` entry that choose pods. */
export interface KubernetesSdConfig {
  readonly role: string;
  readonly namespaces?: { readonly names?: readonly string[] };
  readonly selectors?: readonly { readonly role: string; readonly label?: string; readonly field?: string }[];
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);

/** Prometheus's label-name sanitising: every character outside [a-zA-Z0-9_] becomes `_`. */
export const sanitizeLabelName = (name: string): string => name.replace(/[^a-zA-Z0-9_]/g, "_");

type Requirement = (get: (key: string) => string | undefined) => boolean;

/** One requirement of a Kubernetes selector: `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`. */
function requirement(text: string): Requirement {
  const set = /^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (set) {
    const [, key, op, values] = set as unknown as [string, string, string, string];
    const allowed = new Set(values.split(",").map((v) => v.trim()));
    return (get) => {
      const v = get(key);
      return op === "in" ? v !== undefined && allowed.has(v) : v === undefined || !allowed.has(v);
    };
  }
  const eq = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(text);
  if (eq) {
    const [, key, op, value] = eq as unknown as [string, string, string, string];
    return (get) => (op === "!=" ? get(key) !== value : get(key) === value);
  }
  if (text.startsWith("!")) return (get) => get(text.slice(1).trim()) === undefined;
  return (get) => get(text) !== undefined;
}

/** A selector string as the API server reads it: requirements joined by commas, all must hold. */
export function selectorMatcher(selector: string): Requirement {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of selector) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += c;
  }
  parts.push(current);
  const requirements = parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map(requirement);
  return (get) => requirements.every((r) => r(get));
}

/** The pod fields a field selector may name. */
function podField(pod: KubeObject, field: string): string | undefined {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const fields: Record<string, unknown> = {
    "metadata.name": pod.metadata.name,
    "metadata.namespace": pod.metadata.namespace,
    "spec.nodeName": spec.nodeName,
    "spec.restartPolicy": spec.restartPolicy,
    "spec.schedulerName": spec.schedulerName,
    "spec.serviceAccountName": spec.serviceAccountName,
    "status.phase": status.phase,
    "status.podIP": status.podIP,
  };
  return field in fields ? str(fields[field]) : undefined;
}

function podReady(pod: KubeObject): string {
  const ready = list(obj(pod.status).conditions).find((c) => c.type === "Ready");
  return ready ? str(ready.status).toLowerCase() : "unknown";
}

/** The labels Prometheus's pod discovery puts on every target of a pod (its documented set). */
function podLabels(pod: KubeObject): Record<string, string> {
  const spec = obj(pod.spec);
  const status = obj(pod.status);
  const labels: Record<string, string> = {
    __meta_kubernetes_namespace: str(pod.metadata.namespace),
    __meta_kubernetes_pod_name: pod.metadata.name,
    __meta_kubernetes_pod_ip: str(status.podIP),
    __meta_kubernetes_pod_ready: podReady(pod),
    __meta_kubernetes_pod_phase: str(status.phase),
    __meta_kubernetes_pod_node_name: str(spec.nodeName),
    __meta_kubernetes_pod_host_ip: str(status.hostIP),
    __meta_kubernetes_pod_uid: str(pod.metadata.uid),
  };
  const controller = list(pod.metadata.ownerReferences).find((r) => r.controller === true);
  if (controller?.kind) labels.__meta_kubernetes_pod_controller_kind = str(controller.kind);
  if (controller?.name) labels.__meta_kubernetes_pod_controller_name = str(controller.name);
  for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
    labels[`__meta_kubernetes_pod_label_${sanitizeLabelName(k)}`] = v;
    labels[`__meta_kubernetes_pod_labelpresent_${sanitizeLabelName(k)}`] = "true";
  }
  for (const [k, v] of Object.entries(pod.metadata.annotations ?? {})) {
    labels[`__meta_kubernetes_pod_annotation_${sanitizeLabelName(k)}`] = v;
    labels[`__meta_kubernetes_pod_annotationpresent_${sanitizeLabelName(k)}`] = "true";
  }
  return labels;
}

/**
 * The target groups Prometheus's `role: pod` discovery would produce for `pods`: pods without
 * an IP are skipped; each container port is a target (`podIP:port`), a container without ports
 * is one target at the bare pod IP; init containers are marked. Namespaces and selectors of
 * the config choose the pods, as the API server's LIST would.
 */
export function podTargetGroups(pods: readonly KubeObject[], sd: KubernetesSdConfig): TargetGroup[] {
  const names = sd.namespaces?.names;
  const chosen = pods.filter((pod) => {
    if (names && names.length > 0 && !names.includes(str(pod.metadata.namespace))) return false;
    return (sd.selectors ?? [])
      .filter((s) => s.role === "pod")
      .every(
        (s) =>
          (!s.label || selectorMatcher(s.label)((k) => pod.metadata.labels?.[k])) &&
          (!s.field || selectorMatcher(s.field)((k) => podField(pod, k))),
      );
  });
  const groups: TargetGroup[] = [];
  for (const pod of chosen) {
    const ip = str(obj(pod.status).podIP);
    if (!ip) continue;
    const base = podLabels(pod);
    const spec = obj(pod.spec);
    const containers = [
      ...list(spec.initContainers).map((c) => ({ c, init: "true" })),
      ...list(spec.containers).map((c) => ({ c, init: "false" })),
    ];
    for (const { c, init } of containers) {
      const container = {
        __meta_kubernetes_pod_container_name: str(c.name),
        __meta_kubernetes_pod_container_image: str(c.image),
        __meta_kubernetes_pod_container_init: init,
      };
      const ports = list(c.ports);
      if (ports.length === 0) {
        groups.push({ targets: [ip], labels: { ...base, ...container } });
        continue;
      }
      for (const p of ports) {
        const port = str(p.containerPort);
        groups.push({
          targets: [ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`],
          labels: {
            ...base,
            ...container,
            __meta_kubernetes_pod_container_port_name: str(p.name),
            __meta_kubernetes_pod_container_port_number: port,
            __meta_kubernetes_pod_container_port_protocol: str(p.protocol || "TCP"),
          },
        });
      }
    }
  }
  return groups;
}
