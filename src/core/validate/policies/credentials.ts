import { type Finding, Severity } from "../../finding.ts";
import type { RenderedObject } from "../../kube/object.ts";
import { containersOf, podTemplateOf } from "./workloads.ts";

/** Default credentials that must never be deployed (the seed's admin123 among them). */
export const knownDefaultPasswords = ["admin123", "changeme", "prom-operator"] as const;

// Any of the known defaults, as a whole word.
const defaultPassword = new RegExp(`(^|[^\\w])(${knownDefaultPasswords.join("|")})([^\\w]|$)`);

const secretName = /pass(word)?|secret|token|credential|api[-_]?key|private[-_]?key/i;

/** Calls visit for every string in a value, with its path (the same array, mutated as it walks). */
function walkStrings(
  value: unknown,
  path: string[],
  visit: (s: string, path: readonly string[]) => void,
): void {
  if (typeof value === "string") visit(value, path);
  else if (value && typeof value === "object") {
    for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
      path.push(String(k));
      walkStrings(v, path, visit);
      path.pop();
    }
  }
}

/**
 * No credentials in git: no Secret with literal data, no secret-looking env var with a
 * literal value, and no known default password anywhere in a rendered object.
 */
export function credentialsPolicy(r: RenderedObject): Finding[] {
  const o = r.object;
  const at = (path: string[]) => r.locate?.(path) ?? r.source;
  const findings: Finding[] = [];
  if (o.kind === "Secret") {
    for (const field of ["data", "stringData"]) {
      const data = o[field] as Record<string, unknown> | undefined;
      if (data && Object.keys(data).length > 0) {
        findings.push({
          severity: Severity.Error,
          rule: "literal-credentials",
          message: `Secret ${o.metadata.name} carries literal ${field} (${Object.keys(data).sort().join(", ")}) in git`,
          location: at([field]),
          hint: "supply secret values at deploy time (flyby apply builds grafana-admin from GRAFANA_ADMIN_USER/PASSWORD)",
        });
      }
    }
  }
  const pod = podTemplateOf(o);
  if (pod) {
    for (const { container, path } of containersOf(pod.template)) {
      (container.env ?? []).forEach((e, i) => {
        if (e.value !== undefined && e.value !== "" && secretName.test(e.name)) {
          findings.push({
            severity: Severity.Error,
            rule: "literal-credentials",
            message: `${o.kind} ${o.metadata.name}: env ${e.name} of container "${container.name}" has a literal value`,
            location: at([...pod.path, ...path, "env", String(i), "value"]),
            hint: "read it from a Secret with valueFrom.secretKeyRef",
          });
        }
      });
    }
  }
  // Values that end up as configuration: env values, arguments, ConfigMap and Secret data.
  walkStrings(o, [], (s, path) => {
    const leaf = path.at(-1) ?? "";
    const relevant =
      path[0] === "data" ||
      path[0] === "stringData" ||
      leaf === "value" ||
      path.includes("args") ||
      path.includes("command");
    if (!relevant) return;
    const word = defaultPassword.exec(s)?.[2];
    if (word) {
      findings.push({
        severity: Severity.Error,
        rule: "literal-credentials",
        message: `${o.kind} ${o.metadata.name}: ${path.join(".")} contains the default password "${word}"`,
        location: at([...path]),
        hint: "default credentials must never be rendered; change them at deploy time",
      });
    }
  });
  return findings;
}
