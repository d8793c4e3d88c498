import { createHash } from "node:crypto";
import type { KubeObject } from "../core/kube/object.ts";

/** Records what flyby last applied, so a field removed from the templates still counts as a change. */
export const appliedHashAnnotation = "flyby.overflying.io/applied-sha256";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function canonical(v: unknown): Json {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const out: { [k: string]: Json } = {};
    for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
    return out;
  }
  return v as Json;
}

export function sha256Of(value: unknown): string {
  return createHash("sha256")
    .update(JSON.stringify(canonical(value)))
    .digest("hex");
}

/** The object as flyby sends it: with the hash of its own content recorded. */
export function withAppliedHash(o: KubeObject): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      annotations: { ...(o.metadata.annotations ?? {}), [appliedHashAnnotation]: sha256Of(o) },
    },
  };
}

/** Every field of `want` is present in `have` with the same value (lists compared item by item). */
export function containedIn(want: unknown, have: unknown): boolean {
  if (Array.isArray(want)) {
    return (
      Array.isArray(have) && want.length === have.length && want.every((w, i) => containedIn(w, have[i]))
    );
  }
  if (want !== null && typeof want === "object") {
    if (have === null || typeof have !== "object" || Array.isArray(have)) return false;
    return Object.entries(want).every(([k, w]) => containedIn(w, (have as Record<string, unknown>)[k]));
  }
  if (typeof want === "number" && typeof have === "string") return String(want) === have;
  return want === have;
}

/**
 * Whether applying `desired` (already carrying its applied hash) would change nothing: the
 * live object was last applied from the same content and nobody has changed those fields since.
 */
export function isUnchanged(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (!live) return false;
  const recorded = live.metadata.annotations?.[appliedHashAnnotation];
  return recorded === desired.metadata.annotations?.[appliedHashAnnotation] && containedIn(desired, live);
}
