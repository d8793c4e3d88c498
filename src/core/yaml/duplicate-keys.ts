/**
 * Finds a mapping key written twice in block-style YAML. Bun.YAML (the fast parser used on
 * rendered output) keeps the last value silently, and the `yaml` package that would catch
 * it is ten times slower; a template is block YAML, so scanning keys by indentation is
 * enough. Flow collections and block scalars are skipped, not inspected.
 */
export interface DuplicateKey {
  readonly key: string;
  /** 0-based indexes into the scanned lines. */
  readonly line: number;
  readonly firstLine: number;
}

/** A block mapping key line: indentation, sequence dashes, then the key and its colon. */
export const keyLine =
  /^( *)(- +)*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,[\]{}][^#]*?|-[^\s][^#]*?)\s*:(?:\s|$)/;

/** A key as written (plain, 'single' or "double" quoted) to its text. */
export function unquoteKey(raw: string): string {
  if (raw.startsWith("'")) return raw.slice(1, -1).replaceAll("''", "'");
  if (!raw.startsWith('"')) return raw;
  try {
    return JSON.parse(raw) as string;
  } catch {
    // A YAML-only escape (\x41, \e…): compare it as written.
    return raw.slice(1, -1);
  }
}

export function findDuplicateKey(
  lines: readonly string[],
  from = 0,
  to = lines.length,
): DuplicateKey | undefined {
  // Open mappings, innermost last: their key column and the keys seen in them.
  const scopes: { indent: number; keys: Map<string, number> }[] = [];
  let blockScalarIndent = -1;
  for (let i = from; i < to; i++) {
    const line = lines[i] as string;
    const content = line.trimStart();
    if (content === "" || content.startsWith("#")) continue;
    const indent = line.length - content.length;
    if (blockScalarIndent >= 0) {
      if (indent > blockScalarIndent) continue;
      blockScalarIndent = -1;
    }
    const m = keyLine.exec(line);
    if (!m) continue;
    const dashes = m[2] ?? "";
    const column = (m[1] as string).length + dashes.length;
    // A "- " opens a new mapping in a sequence item, even at a column seen before.
    while (
      scopes.length > 0 &&
      ((scopes.at(-1)?.indent ?? 0) > column || (dashes && scopes.at(-1)?.indent === column))
    )
      scopes.pop();
    let scope = scopes.at(-1);
    if (!scope || scope.indent < column) {
      scope = { indent: column, keys: new Map() };
      scopes.push(scope);
    }
    const key = unquoteKey(m[3] as string);
    const first = scope.keys.get(key);
    if (first !== undefined) return { key, line: i, firstLine: first };
    scope.keys.set(key, i);
    const rest = line.slice(m[0].length).trim();
    if (/^[|>][-+0-9]*(\s+#.*)?$/.test(rest)) blockScalarIndent = indent + dashes.length;
  }
  return undefined;
}
