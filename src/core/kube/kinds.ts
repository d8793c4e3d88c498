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
