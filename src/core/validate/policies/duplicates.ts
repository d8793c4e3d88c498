import { type Finding, Severity } from "../../finding.ts";
import { describeRef, type RenderedObject, refKey, refOf } from "../../kube/object.ts";
import { formatLocation } from "../../location.ts";

/** Two rendered objects with the same group, kind, namespace and name. */
export function duplicateObjects(objects: readonly RenderedObject[]): Finding[] {
  const seen = new Map<string, RenderedObject>();
  const findings: Finding[] = [];
  for (const r of objects) {
    const ref = refOf(r.object);
    const key = refKey(ref);
    const first = seen.get(key);
    if (first) {
      findings.push({
        severity: Severity.Error,
        rule: "duplicate-object",
        message: `${describeRef(ref)} is rendered twice (first at ${formatLocation(first.source)})`,
        location: r.source,
        hint: "each object may be defined once per environment",
      });
    } else {
      seen.set(key, r);
    }
  }
  return findings;
}
