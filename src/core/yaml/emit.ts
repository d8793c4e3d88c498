/**
 * The one YAML writer: deterministic block YAML for the same data, in two styles.
 *
 * - `emitDocument`/`emitDocuments`: canonical YAML for Kubernetes objects (render, diff,
 *   the alerting manifest). Top-level keys come in kubectl's order: apiVersion, kind,
 *   metadata, then the rest sorted; nested keys are sorted.
 * - `emitConfigFile`: the configuration files `alerts build` writes for Prometheus and
 *   Alertmanager. Keys keep the order the generator wrote them in, and only names, URLs and
 *   durations stay plain, as Go's yaml.v2 (YAML 1.1) reads them.
 * - Multi-line strings become literal block scalars so that diffs of embedded files
 *   (prometheus.yml, dashboards, rule files) read line by line.
 * - A scalar is left plain only when it cannot be read back as anything else; everything
 *   else is double-quoted (JSON string syntax is valid YAML).
 *
 * Bun.YAML.stringify has no block scalars and the `yaml` package is several times slower
 * than this path allows (see `bun run bench render` and `bun run bench alerts`); the
 * emitter's output is checked by round-trip tests against both parsers.
 */

type Data = null | boolean | number | string | readonly Data[] | { readonly [key: string]: Data };

type Mapping = { readonly [key: string]: Data };

// Array.isArray does not narrow readonly arrays.
function isList(v: Data): v is readonly Data[] {
  return Array.isArray(v);
}

function isMapping(v: Data): v is Mapping {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const topOrder = ["apiVersion", "kind", "metadata"];

export function orderedKeys(obj: Readonly<Record<string, unknown>>, top: boolean): string[] {
  // The default sort compares UTF-16 code units, as < does, without a call per comparison.
  const keys = Object.keys(obj).sort();
  if (!top) return keys;
  const first = topOrder.filter((k) => Object.hasOwn(obj, k));
  return [...first, ...keys.filter((k) => !topOrder.includes(k))];
}

// YAML 1.1 and 1.2 words that a plain scalar would turn into a boolean or null.
const reserved = /^(?:y|n|yes|no|on|off|true|false|null|~)$/i;
// Plain scalars start with a letter, digit, '/' or '_' and hold no YAML indicators.
const plainShape = /^[A-Za-z0-9_/][A-Za-z0-9_./@+=:,()\- ]*$/;
// Anything that starts like a number, date or time stays quoted, except Kubernetes
// quantities and durations such as 100m, 128Mi, 15d, 1h30m.
const numberLike = /^[-+.\d]/;
const quantity = /^[1-9]\d*(?:\.\d+)?[a-zA-Z]+(?:\d+[a-zA-Z]+)*$/;

function plainSafe(s: string): boolean {
  if (s.length === 0 || !plainShape.test(s) || reserved.test(s)) return false;
  if (s.endsWith(" ") || s.endsWith(":") || s.includes(": ") || s.includes(" #")) return false;
  if (numberLike.test(s)) return quantity.test(s);
  return true;
}

// The configuration style's plain scalars: names and paths, URLs and Prometheus durations.
const configName = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const configUrl = /^https?:\/\/[A-Za-z0-9_./:-]+$/;
const configDuration = /^(?:[0-9]+(?:ms|s|m|h|d|w))+$/;

function configPlainSafe(s: string): boolean {
  return (configName.test(s) || configUrl.test(s) || configDuration.test(s)) && !reserved.test(s);
}

function configKeyPlainSafe(k: string): boolean {
  return configName.test(k) && !reserved.test(k);
}

// The configuration style writes a literal block only for text that reads back without
// indentation or chomping indicators.
const needsIndicators = /[ ]\n|^[ \n]|\n\n$/;

interface Style {
  /** The keys of a mapping in the order they are written; `top` for a document's root. */
  keys(obj: Mapping, top: boolean): string[];
  plain(s: string): boolean;
  plainKey(k: string): boolean;
  block(s: string): boolean;
}

const canonical: Style = {
  keys: orderedKeys,
  plain: plainSafe,
  plainKey: plainSafe,
  block: () => true,
};

const config: Style = {
  keys: (obj) => Object.keys(obj),
  plain: configPlainSafe,
  plainKey: configKeyPlainSafe,
  block: (s) => !needsIndicators.test(s),
};

function blockScalar(s: string, indent: string): string | undefined {
  // Characters a literal block cannot hold verbatim.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is tested
  if (/[\r\t\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s)) return undefined;
  const trailing = s.match(/\n*$/)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing > 0 ? s.slice(0, -1) : s;
  const lines = body.split("\n");
  // A leading space on the first line needs an explicit indentation indicator.
  const indicator = lines[0]?.startsWith(" ") ? "2" : "";
  const text = lines.map((l) => (l.length === 0 ? "" : `${indent}  ${l}`)).join("\n");
  return `|${indicator}${chomp}\n${text}`;
}

function emitValue(v: Data, indent: string, out: string[], top: boolean, style: Style): void {
  // Called for a value that follows "key:" or "- " on the current line.
  if (isList(v)) {
    if (v.length === 0) {
      out.push(" []\n");
      return;
    }
    out.push("\n");
    emitSequence(v, `${indent}  `, out, style);
    return;
  }
  if (isMapping(v)) {
    const keys = style.keys(v, top);
    if (keys.length === 0) {
      out.push(" {}\n");
      return;
    }
    out.push("\n");
    emitMapping(v, keys, `${indent}  `, out, style);
    return;
  }
  out.push(` ${inline(v, indent, style)}\n`);
}

function inline(v: null | boolean | number | string, indent: string, style: Style): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
    return String(v);
  }
  if (v.includes("\n")) return (style.block(v) && blockScalar(v, indent)) || JSON.stringify(v);
  return style.plain(v) ? v : JSON.stringify(v);
}

function key(k: string, style: Style): string {
  return style.plainKey(k) ? k : JSON.stringify(k);
}

function emitMapping(obj: Mapping, keys: string[], indent: string, out: string[], style: Style): void {
  for (const k of keys) {
    const v = obj[k];
    // A missing value, as JSON.stringify leaves it out.
    if (v === undefined) continue;
    out.push(`${indent}${key(k, style)}:`);
    emitValue(v, indent, out, false, style);
  }
}

function emitSequence(items: readonly Data[], indent: string, out: string[], style: Style): void {
  for (const item of items) {
    if (isMapping(item)) {
      const keys = style.keys(item, false).filter((k) => item[k] !== undefined);
      if (keys.length === 0) {
        out.push(`${indent}- {}\n`);
        continue;
      }
      // The first key shares the dash's line; the rest align under it.
      const [first, ...rest] = keys as [string, ...string[]];
      out.push(`${indent}- ${key(first, style)}:`);
      emitValue(item[first] as Data, `${indent}  `, out, false, style);
      emitMapping(item, rest, `${indent}  `, out, style);
    } else if (isList(item)) {
      out.push(`${indent}-`);
      emitValue(item, indent, out, false, style);
    } else {
      out.push(`${indent}- ${inline(item as null | boolean | number | string, `${indent}  `, style)}\n`);
    }
  }
}

function emit(value: unknown, style: Style): string {
  const out: string[] = [];
  const v = value as Data;
  if (isMapping(v)) {
    const keys = style.keys(v, true);
    if (keys.length === 0) return "{}\n";
    emitMapping(v, keys, "", out, style);
  } else if (isList(v)) {
    if (v.length === 0) return "[]\n";
    emitSequence(v, "", out, style);
  } else {
    return `${inline(v as null | boolean | number | string, "", style)}\n`;
  }
  return out.join("");
}

/** One canonical YAML document (no `---`), ending in a newline. */
export function emitDocument(value: unknown): string {
  return emit(value, canonical);
}

/** Several canonical documents separated by `---`, as kubectl and `render` print them. */
export function emitDocuments(values: readonly unknown[]): string {
  return values.map(emitDocument).join("---\n");
}

/** A generated configuration file (a mapping or a sequence), keys in the order written. */
export function emitConfigFile(value: object): string {
  return emit(value, config);
}
