import { sortKeys } from "../core/canonical-json.ts";
import { type KubeObject, secretAsStored } from "../core/kube/object.ts";
import { type ApplySetParent, withMembership } from "./inventory.ts";

/** Records what flyby last applied, so a field removed from the templates still counts as a change. */
export const appliedHashAnnotation = "flyby.overflying.io/applied-sha256";

export function sha256Of(value: unknown): string {
  return Bun.SHA256.hash(JSON.stringify(sortKeys(value)), "hex");
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

/**
 * The object exactly as apply sends it: the ApplySet membership label, then the hash of that
 * content. The live diff dry-runs this same form, so a diff right after an apply is clean.
 */
export function appliedForm(o: KubeObject, parent: ApplySetParent): KubeObject {
  const member = withMembership(o, parent);
  // withMembership made a new object and a new metadata, so the hash goes into those rather
  // than into a second copy of each: this runs for every rendered object of every apply and diff.
  const metadata = member.metadata as { annotations?: Record<string, string> };
  metadata.annotations = {
    ...(member.metadata.annotations ?? {}),
    [appliedHashAnnotation]: sha256Of(member),
  };
  return member;
}

const quantityPattern =
  /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;
const suffixes: Readonly<Record<string, number>> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A resource quantity's value (`500m` → 0.5, `1Gi` → 1073741824), or undefined for other text. */
export function quantityValue(text: string): number | undefined {
  const m = quantityPattern.exec(text);
  if (!m) return undefined;
  const scale = m[2] ? (suffixes[m[2]] as number) : m[3] ? 10 ** Number(m[3]) : 1;
  return Number(m[1]) * scale;
}

/** The API server stores quantities in canonical form (`1000m` comes back as `1`). */
function sameQuantity(want: string, have: string): boolean {
  const a = quantityValue(want);
  const b = quantityValue(have);
  return a !== undefined && b !== undefined && Math.abs(a - b) <= Math.abs(a) * 1e-12;
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
    for (const k in want) {
      if (!containedIn((want as Record<string, unknown>)[k], (have as Record<string, unknown>)[k]))
        return false;
    }
    return true;
  }
  if (typeof want === "number" && typeof have === "string") return String(want) === have;
  if (typeof want === "string" && typeof have === "string" && want !== have) return sameQuantity(want, have);
  return want === have;
}

/**
 * Whether applying `desired` (already carrying its applied hash) would change nothing: the
 * live object was last applied from the same content and nobody has changed those fields since.
 */
export function isUnchanged(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (!live) return false;
  const recorded = live.metadata.annotations?.[appliedHashAnnotation];
  return (
    recorded === desired.metadata.annotations?.[appliedHashAnnotation] &&
    containedIn(secretAsStored(desired), live)
  );
}
