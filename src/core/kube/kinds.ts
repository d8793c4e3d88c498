/** Kinds that live outside namespaces. */
export const clusterScopedKinds: ReadonlySet<string> = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "PersistentVolume",
  "StorageClass",
  "PriorityClass",
  "IngressClass",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
  "APIService",
]);

export function isClusterScoped(kind: string): boolean {
  return clusterScopedKinds.has(kind);
}

/**
 * The REST resource of each built-in kind at its GA version, as every API server since 1.23
 * serves it (autoscaling/v2 is the newest, GA in 1.23). Kubernetes fixes these paths, so a
 * client needs no discovery request to find them (kubectl reads the same from its discovery
 * cache); other kinds are discovered.
 */
const builtInPlurals: Readonly<Record<string, string>> = {
  "v1/Namespace": "namespaces",
  "v1/ConfigMap": "configmaps",
  "v1/Secret": "secrets",
  "v1/Service": "services",
  "v1/ServiceAccount": "serviceaccounts",
  "v1/PersistentVolumeClaim": "persistentvolumeclaims",
  "v1/PersistentVolume": "persistentvolumes",
  "v1/Pod": "pods",
  "v1/Event": "events",
  "apps/v1/Deployment": "deployments",
  "apps/v1/StatefulSet": "statefulsets",
  "apps/v1/DaemonSet": "daemonsets",
  "apps/v1/ReplicaSet": "replicasets",
  "batch/v1/Job": "jobs",
  "batch/v1/CronJob": "cronjobs",
  "rbac.authorization.k8s.io/v1/Role": "roles",
  "rbac.authorization.k8s.io/v1/RoleBinding": "rolebindings",
  "rbac.authorization.k8s.io/v1/ClusterRole": "clusterroles",
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": "clusterrolebindings",
  "networking.k8s.io/v1/NetworkPolicy": "networkpolicies",
  "networking.k8s.io/v1/Ingress": "ingresses",
  "networking.k8s.io/v1/IngressClass": "ingressclasses",
  "policy/v1/PodDisruptionBudget": "poddisruptionbudgets",
  "autoscaling/v2/HorizontalPodAutoscaler": "horizontalpodautoscalers",
  "apiextensions.k8s.io/v1/CustomResourceDefinition": "customresourcedefinitions",
  "storage.k8s.io/v1/StorageClass": "storageclasses",
  "scheduling.k8s.io/v1/PriorityClass": "priorityclasses",
};

/** Every built-in kind the table holds, as `[apiVersion, kind]`. */
export function builtInKinds(): [apiVersion: string, kind: string][] {
  return Object.keys(builtInPlurals).map((k) => {
    const slash = k.lastIndexOf("/");
    return [k.slice(0, slash), k.slice(slash + 1)];
  });
}

/** Where a built-in kind is served (`deployments`, namespaced), or undefined for a kind to discover. */
export function builtInResource(
  apiVersion: string,
  kind: string,
): { readonly plural: string; readonly namespaced: boolean } | undefined {
  const plural = builtInPlurals[`${apiVersion}/${kind}`];
  return plural === undefined ? undefined : { plural, namespaced: !isClusterScoped(kind) };
}

/**
 * The order objects are applied in: what others depend on comes first. Output is sorted
 * the same way, so a rendered file reads from foundations to workloads.
 */
export const Stage = {
  Crds: 0,
  Namespaces: 1,
  ClusterRbac: 2,
  Config: 3,
  Services: 4,
  Workloads: 5,
  Other: 6,
} as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

const stageByKind: Readonly<Record<string, Stage>> = {
  CustomResourceDefinition: Stage.Crds,
  Namespace: Stage.Namespaces,
  ClusterRole: Stage.ClusterRbac,
  ClusterRoleBinding: Stage.ClusterRbac,
  Role: Stage.ClusterRbac,
  RoleBinding: Stage.ClusterRbac,
  ServiceAccount: Stage.Config,
  ConfigMap: Stage.Config,
  Secret: Stage.Config,
  PersistentVolumeClaim: Stage.Config,
  NetworkPolicy: Stage.Config,
  Service: Stage.Services,
  Deployment: Stage.Workloads,
  StatefulSet: Stage.Workloads,
  DaemonSet: Stage.Workloads,
  Job: Stage.Workloads,
  CronJob: Stage.Workloads,
};

export function stageOf(kind: string): Stage {
  return stageByKind[kind] ?? Stage.Other;
}
