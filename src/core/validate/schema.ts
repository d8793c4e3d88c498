import { createRequire } from "node:module";
import { CustomResourceDefinition } from "kubernetes-models/apiextensions.k8s.io/v1/CustomResourceDefinition";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { type Finding, Severity } from "../finding.ts";
import type { RenderedObject } from "../kube/object.ts";

/**
 * Schema checks for rendered objects, with maintained schema libraries:
 * - kubernetes-models validates types, formats and required fields (its ajv validators);
 * - @kubernetes/client-node's generated models list every field a kind declares, which
 *   catches unknown fields: a real API server refuses them on apply (HTTP 500, "field not
 *   declared in schema"), but kubernetes-models lets them pass.
 * client-node's model modules are loaded on demand, one per type, to keep start-up short.
 */

const load = createRequire(import.meta.url);

interface ModelClass {
  new (data: never): { validate(): void };
}
interface AttributeType {
  readonly baseName: string;
  readonly type: string;
}
interface TypeMapClass {
  getAttributeTypeMap(): readonly AttributeType[];
}

/** Field name → field type, per client-node model. */
const typeMaps = new Map<string, ReadonlyMap<string, string> | undefined>();

/** The kinds flyby renders or is likely to render, by apiVersion/kind. */
const validators: Readonly<Record<string, ModelClass>> = {
  "v1/Namespace": Namespace,
  "v1/ServiceAccount": ServiceAccount,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "apps/v1/DaemonSet": DaemonSet,
  "batch/v1/Job": Job,
  "batch/v1/CronJob": CronJob,
  "rbac.authorization.k8s.io/v1/ClusterRole": ClusterRole,
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ClusterRoleBinding,
  "rbac.authorization.k8s.io/v1/Role": Role,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "networking.k8s.io/v1/Ingress": Ingress,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "apiextensions.k8s.io/v1/CustomResourceDefinition": CustomResourceDefinition,
};

function validatorFor(apiVersion: string, kind: string): ModelClass | undefined {
  return validators[`${apiVersion}/${kind}`];
}

function typeMap(type: string): ReadonlyMap<string, string> | undefined {
  if (!typeMaps.has(type)) {
    try {
      const mod = load(`@kubernetes/client-node/dist/gen/models/${type}.js`) as Record<string, TypeMapClass>;
      const attrs = mod[type]?.getAttributeTypeMap();
      typeMaps.set(type, attrs && new Map(attrs.map((a) => [a.baseName, a.type])));
    } catch {
      typeMaps.set(type, undefined);
    }
  }
  return typeMaps.get(type);
}

/** client-node's model name for a kind: `apps/v1` Deployment → V1Deployment. */
function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.slice(apiVersion.lastIndexOf("/") + 1);
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Walks an object against its model, collecting the paths of fields the model does not declare. */
function unknownFields(value: unknown, type: string, path: string[], out: string[][]): void {
  if (value === null || typeof value !== "object") return;
  const list = /^Array<(.+)>$/.exec(type);
  if (list) {
    if (!Array.isArray(value)) return;
    for (const [i, v] of value.entries()) {
      path.push(String(i));
      unknownFields(v, list[1] as string, path, out);
      path.pop();
    }
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  const fields = map ? undefined : /^V\d/.test(type) && !Array.isArray(value) ? typeMap(type) : undefined;
  if (!map && !fields) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const fieldType = map ? (map[1] as string) : fields?.get(k);
    path.push(k);
    if (fieldType === undefined) out.push([...path]);
    else unknownFields(v, fieldType, path, out);
    path.pop();
  }
}

function dotted(path: readonly string[]): string {
  return path.map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

export function schemaFindings(r: RenderedObject): Finding[] {
  const { object } = r;
  const findings: Finding[] = [];
  const where = (path: readonly string[]) => r.locate?.(path) ?? r.source;
  const Model = validatorFor(object.apiVersion, object.kind);
  if (!Model) {
    return [
      {
        severity: Severity.Warning,
        rule: "schema-unknown-kind",
        message: `no schema is known for ${object.apiVersion} ${object.kind}; it is not checked`,
        location: r.source,
      },
    ];
  }
  try {
    new Model(object as never).validate();
  } catch (e) {
    const errors = (
      e as { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] }
    ).errors ?? [{ instancePath: "", message: (e as Error).message }];
    for (const err of errors) {
      const path = err.instancePath.split("/").filter(Boolean);
      const missing = err.params?.missingProperty;
      const field = typeof missing === "string" ? [...path, missing] : path;
      findings.push({
        severity: Severity.Error,
        rule: "schema",
        message: `${object.kind} ${object.metadata.name}: ${dotted(field) || "(object)"} ${err.message ?? "is invalid"}`,
        location: where(path),
      });
    }
  }
  const unknown: string[][] = [];
  unknownFields(object, modelName(object.apiVersion, object.kind), [], unknown);
  for (const path of unknown) {
    findings.push({
      severity: Severity.Error,
      rule: "schema-unknown-field",
      message: `${object.kind} ${object.metadata.name}: field ${dotted(path)} is not declared in the ${object.kind} schema (the API server refuses it)`,
      location: where(path),
    });
  }
  return findings;
}
