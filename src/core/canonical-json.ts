/** The value with every mapping's keys sorted, so equal data has one JSON text. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** What JSON.stringify leaves out of an object (and writes as null in an array). */
const omitted = (v: unknown) => v === undefined || typeof v === "function" || typeof v === "symbol";

/** An array-index key ("0", "17"): JavaScript lists these first, in numeric order, in any object. */
const isIndex = (k: string) => /^(?:0|[1-9]\d*)$/.test(k) && Number(k) < 2 ** 32 - 1;

/** The keys in the order JSON.stringify writes a sorted copy's: index keys first, then sorted. */
function sortedKeys(record: object): string[] {
  const keys = Object.keys(record);
  let i = 0;
  while (i < keys.length && isIndex(keys[i] as string)) i++;
  return i === 0 ? keys.sort() : [...keys.slice(0, i), ...keys.slice(i).sort()];
}

/**
 * `JSON.stringify(sortKeys(value))`, written straight into one string: hashing a thousand
 * objects this way does not build a sorted copy of each first. The text must stay exactly
 * that one, since it is hashed into annotations already stored in clusters.
 */
export function compactCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === "function") return JSON.stringify(json.call(value));
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      out += `${i ? "," : ""}${omitted(item) ? "null" : compactCanonicalJson(item)}`;
    }
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = "{";
  let first = true;
  for (const k of sortedKeys(record)) {
    const v = record[k];
    if (omitted(v)) continue;
    out += `${first ? "" : ","}${JSON.stringify(k)}:${compactCanonicalJson(v)}`;
    first = false;
  }
  return `${out}}`;
}
