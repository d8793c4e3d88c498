import { keyLine, unquoteKey } from "./duplicate-keys.ts";

/**
 * The line (0-based) where a field path is written in block-style YAML, or its nearest
 * parent's. Rendered manifests are block YAML, so following indentation is enough, and it
 * is about a hundred times cheaper than parsing the document again with positions.
 * Values written in flow style (`{…}`, `[…]`) resolve to the line of their key.
 */
export function locateLine(lines: readonly string[], path: readonly (string | number)[]): number {
  let from = 0;
  let to = lines.length;
  let found = nextContent(lines, 0, to) ?? 0;
  for (const seg of path) {
    const next = /^\d+$/.test(String(seg))
      ? item(lines, from, to, Number(seg))
      : key(lines, from, to, String(seg));
    if (!next) break;
    ({ line: found, from, to } = next);
  }
  return found;
}

interface Range {
  line: number;
  from: number;
  to: number;
}

function isContent(line: string): boolean {
  const t = line.trimStart();
  return t !== "" && !t.startsWith("#");
}

function nextContent(lines: readonly string[], from: number, to: number): number | undefined {
  for (let i = from; i < to; i++) if (isContent(lines[i] as string)) return i;
  return undefined;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Where a child block ends: the first content line at or left of `column` (a "- " at the same column stays inside). */
function blockEnd(
  lines: readonly string[],
  start: number,
  to: number,
  column: number,
  allowDash: boolean,
): number {
  for (let i = start; i < to; i++) {
    const l = lines[i] as string;
    if (!isContent(l)) continue;
    const ind = indentOf(l);
    if (ind < column || (ind === column && !(allowDash && l.trimStart().startsWith("- ")))) return i;
  }
  return to;
}

function keyColumn(line: string): number | undefined {
  const m = keyLine.exec(line);
  return m ? (m[1] as string).length + (m[2] ?? "").length : undefined;
}

function key(lines: readonly string[], from: number, to: number, name: string): Range | undefined {
  const first = nextContent(lines, from, to);
  if (first === undefined) return undefined;
  const column = keyColumn(lines[first] as string);
  if (column === undefined) return undefined;
  for (let i = first; i < to; i++) {
    const l = lines[i] as string;
    const m = keyLine.exec(l);
    if (!m || (m[1] as string).length + (m[2] ?? "").length !== column) continue;
    if (unquoteKey(m[3] as string) === name)
      return { line: i, from: i + 1, to: blockEnd(lines, i + 1, to, column, true) };
  }
  return undefined;
}

function item(lines: readonly string[], from: number, to: number, index: number): Range | undefined {
  const first = nextContent(lines, from, to);
  if (first === undefined || !(lines[first] as string).trimStart().startsWith("-")) return undefined;
  const column = indentOf(lines[first] as string);
  let n = -1;
  for (let i = first; i < to; i++) {
    const l = lines[i] as string;
    if (!isContent(l) || indentOf(l) !== column || !l.trimStart().startsWith("-")) continue;
    n++;
    if (n === index) {
      // The item's own mapping starts on the dash line, two columns in.
      const end = blockEnd(lines, i + 1, to, column + 1, false);
      return { line: i, from: i, to: end };
    }
  }
  return undefined;
}
