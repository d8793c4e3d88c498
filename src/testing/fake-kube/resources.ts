import coreV1 from "./testdata/kube-apiserver-v1.26/04-discovery-api-v1.json" with { type: "json" };
import appsV1 from "./testdata/kube-apiserver-v1.26/05-discovery-apps-v1.json" with { type: "json" };

/** One entry of an APIResourceList, as discovery serves it. */
export interface ApiResource {
  readonly name: string;
  readonly singularName: string;
  readonly namespaced: boolean;
  readonly kind: string;
  readonly verbs: readonly string[];
  readonly shortNames?: readonly string[];
  readonly categories?: readonly string[];
  readonly storageVersionHash?: string;
}

/** A served resource: its group/version plus the discovery entry. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly resource: ApiResource;
}

const crud = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

function entry(name: string, kind: string, namespaced: boolean, shortNames?: string[]): ApiResource {
  return { name, singularName: "", namespaced, kind, verbs: crud, ...(shortNames ? { shortNames } : {}) };
}

/** Groups beyond the recorded core and apps lists, written from the v1.26 API reference. */
const extraGroups: Readonly<Record<string, readonly ApiResource[]>> = {
  "apiregistration.k8s.io/v1": [entry("apiservices", "APIService", false)],
  "events.k8s.io/v1": [entry("events", "Event", true, ["ev"])],
  "batch/v1": [entry("cronjobs", "CronJob", true, ["cj"]), entry("jobs", "Job", true)],
  "autoscaling/v2": [entry("horizontalpodautoscalers", "HorizontalPodAutoscaler", true, ["hpa"])],
  "networking.k8s.io/v1": [
    entry("ingresses", "Ingress", true, ["ing"]),
    entry("networkpolicies", "NetworkPolicy", true, ["netpol"]),
  ],
  "policy/v1": [entry("poddisruptionbudgets", "PodDisruptionBudget", true, ["pdb"])],
  "rbac.authorization.k8s.io/v1": [
    entry("clusterrolebindings", "ClusterRoleBinding", false),
    entry("clusterroles", "ClusterRole", false),
    entry("rolebindings", "RoleBinding", true),
    entry("roles", "Role", true),
  ],
  "apiextensions.k8s.io/v1": [
    entry("customresourcedefinitions", "CustomResourceDefinition", false, ["crd", "crds"]),
  ],
};

export const groupOrder = [
  "apiregistration.k8s.io",
  "apps",
  "events.k8s.io",
  "autoscaling",
  "batch",
  "networking.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "apiextensions.k8s.io",
];

export function builtinResources(): ResourceType[] {
  const out: ResourceType[] = [];
  for (const r of coreV1.response.body.resources) out.push({ group: "", version: "v1", resource: r });
  for (const r of appsV1.response.body.resources) out.push({ group: "apps", version: "v1", resource: r });
  for (const [gv, list] of Object.entries(extraGroups)) {
    const [group = "", version = ""] = gv.split("/");
    for (const r of list) out.push({ group, version, resource: r });
  }
  return out;
}

export function apiVersionOf(t: { group: string; version: string }): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** `deployments.apps` or `configmaps`: how the API names a resource in messages. */
export function qualifiedName(t: ResourceType): string {
  return t.group ? `${t.resource.name}.${t.group}` : t.resource.name;
}
