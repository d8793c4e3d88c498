import type { RenderedObject } from "../core/kube/object.ts";
import type { SourceLocation } from "../core/location.ts";
import { ApiFailure, NetworkFailure } from "./port.ts";
import { FailureKind } from "./report.ts";

export interface ClassifiedFailure {
  readonly kind: FailureKind;
  readonly message: string;
  readonly source?: SourceLocation;
}

/** `.spec.replicas` or `spec.template.spec.containers[0].image` → a path for `locate`. */
export function fieldPathOf(field: string): (string | number)[] {
  return field
    .replace(/^\./, "")
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== "")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function conflictMessage(e: ApiFailure): string {
  const causes = e.details.causes ?? [];
  if (causes.length === 0) return `conflict: ${e.message}`;
  const parts = causes.map(
    (c) => `${c.field ?? "?"} (${(c.message ?? "").replace(/^conflict with /, "owned by ")})`,
  );
  return `conflict on ${parts.join(", ")}; --force-conflicts takes these fields over`;
}

function invalidMessage(e: ApiFailure, rendered: RenderedObject | undefined): ClassifiedFailure {
  const cause = e.details.causes?.[0];
  const where =
    cause?.field && rendered?.locate ? rendered.locate(fieldPathOf(cause.field)) : rendered?.source;
  return { kind: FailureKind.Input, message: e.message, ...(where ? { source: where } : {}) };
}

/** What a failed request means for the report and the exit code. */
export function classifyFailure(e: unknown, rendered?: RenderedObject): ClassifiedFailure {
  if (e instanceof NetworkFailure) return { kind: FailureKind.Environment, message: e.message };
  if (e instanceof ApiFailure) {
    if (e.status === 409) return { kind: FailureKind.Conflict, message: conflictMessage(e) };
    if (e.status === 422 || e.status === 400 || e.status === 415) return invalidMessage(e, rendered);
    if (e.status === 404) {
      return {
        kind: FailureKind.Input,
        message: e.message,
        ...(rendered ? { source: rendered.source } : {}),
      };
    }
    return { kind: FailureKind.Environment, message: `${e.status} ${e.reason}: ${e.message}` };
  }
  return { kind: FailureKind.Environment, message: e instanceof Error ? e.message : String(e) };
}
