/**
 * The Kubernetes naming rules (k8s.io/apimachinery/pkg/util/validation and the API
 * server's per-kind validation), checked before anything is written or applied.
 */
export const NameRule = {
  /** RFC 1123 subdomain: most kinds (ConfigMap, Deployment, Secret, custom resources …). */
  Subdomain: "subdomain",
  /** RFC 1123 label: Namespace, and every metadata.namespace. */
  Label: "label",
  /** RFC 1035 label: Service (its name becomes a DNS label that must start with a letter). */
  Dns1035Label: "dns1035",
  /** A path segment: RBAC kinds, whose names may hold `:` (`system:metrics-reader`). */
  PathSegment: "path-segment",
} as const;
export type NameRule = (typeof NameRule)[keyof typeof NameRule];

interface RuleSpec {
  readonly max: number;
  readonly valid: (name: string) => boolean;
  readonly says: string;
}

const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const rules: Readonly<Record<NameRule, RuleSpec>> = {
  subdomain: {
    max: 253,
    valid: (n) => subdomain.test(n),
    says: "a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit",
  },
  label: {
    max: 63,
    valid: (n) => label.test(n),
    says: "a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit",
  },
  dns1035: {
    max: 63,
    valid: (n) => dns1035.test(n),
    says: "a DNS-1035 label: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit",
  },
  "path-segment": {
    max: 253,
    valid: (n) => n !== "." && n !== ".." && !/[/%\0\s]/.test(n),
    says: "a path segment: not '.' or '..', and without '/', '%' or spaces",
  },
};

const ruleByKind: Readonly<Record<string, NameRule>> = {
  Namespace: NameRule.Label,
  Service: NameRule.Dns1035Label,
  Role: NameRule.PathSegment,
  RoleBinding: NameRule.PathSegment,
  ClusterRole: NameRule.PathSegment,
  ClusterRoleBinding: NameRule.PathSegment,
};

/** Kinds whose names are shorter than their rule allows, because other names are derived from them. */
const maxByKind: Readonly<Record<string, number>> = {
  // The controller appends an 11-character suffix to name the Jobs it creates.
  CronJob: 52,
  // The name becomes the value of the `job-name` label on its Pods.
  Job: 63,
};

export function nameRuleOf(kind: string): NameRule {
  return ruleByKind[kind] ?? NameRule.Subdomain;
}

/** Why `name` is not valid under `rule` (with a kind's own limit), or undefined when it is. */
export function nameProblem(name: string, rule: NameRule, max?: number): string | undefined {
  const spec = rules[rule];
  const limit = Math.min(max ?? spec.max, spec.max);
  if (name.length > limit) return `it has ${name.length} characters, and the limit is ${limit}`;
  if (!spec.valid(name)) return `it must be ${spec.says}`;
  return undefined;
}

/** Why an object's metadata.name is not valid for its kind, or undefined when it is. */
export function objectNameProblem(kind: string, name: string): string | undefined {
  return nameProblem(name, nameRuleOf(kind), maxByKind[kind]);
}

/** Why a metadata.namespace is not a valid namespace name, or undefined when it is. */
export function namespaceProblem(namespace: string): string | undefined {
  return nameProblem(namespace, NameRule.Label);
}
