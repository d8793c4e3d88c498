import { isObj, type Obj } from "./schema.ts";
import type { StatusCause } from "./status.ts";

const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const subdomainMessage =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Go's `%#v` of a map[string]string, as validation messages print it. */
function goStringMap(m: Record<string, string>): string {
  const entries = Object.keys(m)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(m[k])}`);
  return `map[string]string{${entries.join(", ")}}`;
}

const selectorKinds = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"];

/** Fields an update may not change: a workload's selector. */
export function immutableChanges(live: Obj, next: Obj, kind: string): StatusCause[] {
  if (!selectorKinds.includes(kind)) return [];
  const before = (live.spec as Obj | undefined)?.selector as Obj | undefined;
  const after = (next.spec as Obj | undefined)?.selector as Obj | undefined;
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const labels = (after?.matchLabels ?? {}) as Record<string, string>;
  const expressions = after?.matchExpressions
    ? "[]v1.LabelSelectorRequirement{…}"
    : "[]v1.LabelSelectorRequirement(nil)";
  const shown = `v1.LabelSelector{MatchLabels:${goStringMap(labels)}, MatchExpressions:${expressions}}`;
  return [
    {
      reason: "FieldValueInvalid",
      message: `Invalid value: ${shown}: field is immutable`,
      field: "spec.selector",
    },
  ];
}

/** The field-level checks behind 422 Invalid answers. */
export function validateObject(obj: Obj, kind: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = String((obj.metadata as Obj).name ?? "");
  if (name.length > 253 || !subdomain.test(name)) {
    causes.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: "${name}": ${subdomainMessage}`,
      field: "metadata.name",
    });
  }
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  if (spec && selectorKinds.includes(kind)) {
    const matchLabels = ((spec.selector as Obj | undefined)?.matchLabels ?? {}) as Record<string, string>;
    const template = spec.template as Obj | undefined;
    const labels = ((template?.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
    const matches = Object.entries(matchLabels).every(([k, v]) => labels[k] === v);
    if (!matches) {
      const shown = goStringMap(labels);
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${shown}: \`selector\` does not match template \`labels\``,
        field: "spec.template.metadata.labels",
      });
    }
  }
  return causes;
}

/** Known fields per schema location, for the kinds whose schema the fake checks. */
const containerFields = [
  "name",
  "image",
  "command",
  "args",
  "workingDir",
  "ports",
  "envFrom",
  "env",
  "resources",
  "volumeMounts",
  "volumeDevices",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "lifecycle",
  "terminationMessagePath",
  "terminationMessagePolicy",
  "imagePullPolicy",
  "securityContext",
  "stdin",
  "stdinOnce",
  "tty",
];
const workloadSpec = [
  "replicas",
  "selector",
  "template",
  "strategy",
  "minReadySeconds",
  "revisionHistoryLimit",
  "paused",
  "progressDeadlineSeconds",
  "serviceName",
  "podManagementPolicy",
  "updateStrategy",
  "volumeClaimTemplates",
  "persistentVolumeClaimRetentionPolicy",
  "ordinals",
];
const rootFields: Readonly<Record<string, readonly string[]>> = {
  ConfigMap: ["data", "binaryData", "immutable"],
  Secret: ["data", "stringData", "type", "immutable"],
  ServiceAccount: ["secrets", "imagePullSecrets", "automountServiceAccountToken"],
  Role: ["rules"],
  ClusterRole: ["rules", "aggregationRule"],
  RoleBinding: ["subjects", "roleRef"],
  ClusterRoleBinding: ["subjects", "roleRef"],
};
const workloads = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]);

/** Fields the schema does not declare, as `.spec.replicass`, sorted. */
export function unknownFields(obj: Obj, kind: string): string[] {
  const out: string[] = [];
  const root = rootFields[kind] ?? (workloads.has(kind) || kind === "Service" ? [] : undefined);
  if (!root) return out;
  const check = (value: unknown, known: readonly string[], at: string) => {
    if (!isObj(value)) return;
    for (const k of Object.keys(value)) if (!known.includes(k)) out.push(`${at}.${k}`);
  };
  check(obj, ["apiVersion", "kind", "metadata", "spec", "status", ...root], "");
  if (workloads.has(kind)) {
    const spec = obj.spec as Obj | undefined;
    check(spec, workloadSpec, ".spec");
    const podSpec = (spec?.template as Obj | undefined)?.spec as Obj | undefined;
    for (const c of (podSpec?.containers as unknown[] | undefined) ?? []) {
      const name = isObj(c) ? String(c.name) : "";
      check(c, containerFields, `.spec.template.spec.containers[name="${name}"]`);
    }
  }
  return out.sort();
}

const typeWords: Readonly<Record<string, string>> = {
  integer: "numeric (int or float)",
  number: "numeric (int or float)",
  string: "string",
  boolean: "bool",
  object: "map",
  array: "list",
};

function goType(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (v === null) return "null";
  if (typeof v === "object") return "map";
  if (typeof v === "boolean") return "bool";
  return typeof v;
}

interface ModelModule {
  readonly [name: string]: unknown;
}

/** Type errors against the Kubernetes schema (kubernetes-models), as `.spec.replicas: expected …`. */
export async function typeError(
  obj: Obj,
  group: string,
  version: string,
  kind: string,
): Promise<string | undefined> {
  let mod: ModelModule;
  try {
    mod = (await import(`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`)) as ModelModule;
  } catch {
    return undefined;
  }
  const Model = mod[kind] as (new (data: Obj) => { validate(): void }) | undefined;
  if (!Model) return undefined;
  try {
    new Model(obj).validate();
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; keyword: string; params: { type?: string } }[] })
      .errors;
    const typed = errors?.find((x) => x.keyword === "type");
    if (!typed) return undefined;
    const path = typed.instancePath.split("/").filter(Boolean);
    let value: unknown = obj;
    for (const p of path) value = (value as Obj)[p];
    const expected = typeWords[typed.params.type ?? ""] ?? typed.params.type;
    return `.${path.join(".")}: expected ${expected}, got ${goType(value)}`;
  }
  return undefined;
}
