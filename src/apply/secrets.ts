import { InputError } from "../core/errors.ts";
import type { KubeObject, ObjectRef } from "../core/kube/object.ts";
import { knownDefaultPasswords } from "../core/validate/policies/credentials.ts";

/** A Secret flyby builds at apply time from environment variables, never from the templates. */
export interface EnvironmentSecret {
  readonly name: string;
  /** Secret key → the environment variable holding its value. */
  readonly keys: Readonly<Record<string, string>>;
  /** Keys whose values are passwords: known defaults and short values are refused. */
  readonly passwords: readonly string[];
}

export const environmentSecrets: readonly EnvironmentSecret[] = [
  {
    name: "grafana-admin",
    keys: { username: "GRAFANA_ADMIN_USER", password: "GRAFANA_ADMIN_PASSWORD" },
    passwords: ["password"],
  },
  {
    // Alertmanager's bearer token for the flyby receiver (the receiver reads the same variable).
    name: "alertmanager-secrets",
    keys: { "receiver-token": "FLYBY_RECEIVER_TOKEN" },
    passwords: ["receiver-token"],
  },
];

/** The environment variables a Secret flyby builds is made from. */
export function secretVariables(name: string): string[] {
  return Object.values(environmentSecrets.find((s) => s.name === name)?.keys ?? {});
}

/** Well-known defaults a deployed password may not be: Grafana's and the ones validate rejects in manifests. */
export const refusedPasswords: ReadonlySet<string> = new Set(["admin", "password", ...knownDefaultPasswords]);
export const minPasswordLength = 16;

/**
 * For each of `secrets`, the namespaces in which some rendered Pod template reads it through a
 * secretKeyRef or volume (sorted). One walk over the objects serves every Secret.
 */
function namespacesReferencing(
  objects: readonly KubeObject[],
  secrets: readonly EnvironmentSecret[],
): Map<string, string[]> {
  const names = new Set(secrets.map((s) => s.name));
  const found = new Map<string, Set<string>>();
  const visit = (v: unknown, ns: string): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x, ns);
      return;
    }
    if (v === null || typeof v !== "object") return;
    const rec = v as Record<string, unknown>;
    const ref = (rec.secretKeyRef ?? rec.secret) as Record<string, unknown> | undefined;
    const name = ref?.name ?? ref?.secretName;
    if (typeof name === "string" && names.has(name)) {
      const set = found.get(name) ?? new Set<string>();
      found.set(name, set.add(ns));
    }
    for (const k in rec) visit(rec[k], ns);
  };
  for (const o of objects) if (o.metadata.namespace) visit(o.spec, o.metadata.namespace);
  return new Map(secrets.map((s) => [s.name, [...(found.get(s.name) ?? [])].sort()]));
}

/**
 * Where apply will write the Secrets it builds from the environment: a live diff, which has no
 * values, treats these as members it cannot compare rather than as removals.
 */
export function environmentSecretRefs(
  objects: readonly KubeObject[],
  secrets: readonly EnvironmentSecret[] = environmentSecrets,
): ObjectRef[] {
  const referencing = namespacesReferencing(objects, secrets);
  return secrets.flatMap((secret) =>
    (referencing.get(secret.name) ?? []).map((namespace) => ({
      group: "",
      version: "v1",
      kind: "Secret",
      namespace,
      name: secret.name,
    })),
  );
}

/**
 * The Secrets the rendered objects need, built from `env`. Names the missing or weak variable,
 * never its value.
 */
export function buildEnvironmentSecrets(
  objects: readonly KubeObject[],
  env: Readonly<Record<string, string | undefined>>,
  secrets: readonly EnvironmentSecret[] = environmentSecrets,
): KubeObject[] {
  const out: KubeObject[] = [];
  const referencing = namespacesReferencing(objects, secrets);
  for (const secret of secrets) {
    const namespaces = referencing.get(secret.name) ?? [];
    if (namespaces.length === 0) continue;
    const data: Record<string, string> = {};
    for (const [key, variable] of Object.entries(secret.keys)) {
      const value = env[variable];
      if (!value) {
        throw new InputError(
          `Secret ${secret.name} needs ${variable}: set it in the environment (in CI, from a repository secret)`,
        );
      }
      if (secret.passwords.includes(key)) {
        if (refusedPasswords.has(value.toLowerCase())) {
          throw new InputError(`${variable} is a well-known default password; choose another`);
        }
        if (value.length < minPasswordLength) {
          throw new InputError(`${variable} is shorter than ${minPasswordLength} characters`);
        }
      }
      data[key] = Buffer.from(value).toString("base64");
    }
    for (const namespace of namespaces) {
      out.push({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: secret.name, namespace, labels: { "app.kubernetes.io/managed-by": "flyby" } },
        type: "Opaque",
        data,
      });
    }
  }
  return out;
}
