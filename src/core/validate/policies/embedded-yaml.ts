import { type Finding, Severity } from "../../finding.ts";
import type { RenderedObject } from "../../kube/object.ts";
import type { SourceLocation } from "../../location.ts";

/** A file embedded in a ConfigMap (`data[key]`), parsed, or the finding that says it does not parse. */
export type EmbeddedYaml<T> =
  | { readonly ok: true; readonly value: T; readonly at: SourceLocation }
  | { readonly ok: false; readonly findings: Finding[] };

export function parseEmbeddedYaml<T>(
  r: RenderedObject,
  text: string,
  key: string,
  rule: string,
): EmbeddedYaml<T> {
  const at = r.locate?.(["data", key]) ?? r.source;
  try {
    return { ok: true, value: (Bun.YAML.parse(text) ?? {}) as T, at };
  } catch (e) {
    const message = `ConfigMap ${r.object.metadata.name}: ${key} is not valid YAML (${(e as Error).message})`;
    return { ok: false, findings: [{ severity: Severity.Error, rule, message, location: at }] };
  }
}
