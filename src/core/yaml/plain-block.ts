import { keyLine, unquoteKey } from "./duplicate-keys.ts";

/**
 * Whether a text is plain block YAML: one document of block mappings and sequences whose
 * scalars each fit on their line (plain, quoted, one-line flow sequences) or are block
 * scalars, with consistent indentation, no anchors, aliases, tags, merge keys, flow
 * mappings or directives, and no key written twice. Bun.YAML decodes such a text exactly
 * as the `yaml` package does, about ten times faster, so the loader may take its result.
 * Anything this scan does not understand answers false and goes to the `yaml` package.
 * One pass over the lines: linear in the input.
 */
/** Longer lines go to the `yaml` package: the line patterns below stay cheap on short ones. */
const maxLine = 1024;

export function isPlainBlockYaml(lines: readonly string[]): boolean {
  // The open block collections, innermost last: their column and, for mappings, their keys.
  const open: { column: number; keys: Set<string> }[] = [];
  // The last content line opened a nested block (a key or dash with nothing after it).
  let opens = true;
  let blockScalar = -1;
  let blockIndent = -1;
  for (const line of lines) {
    // A tab anywhere, even on an otherwise blank line, is for the yaml package to judge.
    if (line.includes("\t")) return false;
    const content = line.trimStart();
    if (content === "" || content.startsWith("#")) continue;
    const indent = line.length - content.length;
    if (blockScalar >= 0) {
      // A block scalar's first line fixes its indentation; a line left of it ends it.
      if (blockIndent < 0 && indent > blockScalar) blockIndent = indent;
      if (blockIndent >= 0 && indent >= blockIndent) continue;
      blockScalar = -1;
      blockIndent = -1;
    }
    if (line.length > maxLine || /[\t\r]|\S {32}/.test(line) || /^(---|\.\.\.|%)/.test(content)) return false;
    // Dedenting must land on a column already open; indenting needs an opener above.
    while (open.length > 0 && (open.at(-1)?.column as number) > indent) open.pop();
    const top = open.at(-1);
    if (top === undefined || top.column < indent) {
      if (!opens) return false;
      open.push({ column: indent, keys: new Set() });
    }
    const entry = simpleEntry(line) ?? readEntry(content, indent);
    if (!entry) return false;
    for (const column of entry.columns) {
      if (column > (open.at(-1)?.column as number)) open.push({ column, keys: new Set() });
    }
    if (entry.key !== undefined) {
      const keys = open.at(-1)?.keys as Set<string>;
      if (keys.has(entry.key)) return false;
      keys.add(entry.key);
    }
    opens = entry.opens;
    if (entry.blockScalar !== undefined) blockScalar = entry.blockScalar;
  }
  return true;
}

interface Entry {
  /** Columns of collections opened inside sequence items on this line (`- a: 1`). */
  readonly columns: readonly number[];
  readonly opens: boolean;
  /** The mapping key this line writes. */
  readonly key?: string;
  /** A block scalar starts: its lines are the ones indented past this column. */
  readonly blockScalar?: number;
}

const comment = String.raw`(?: +#.*)?$`;
const escapes = String.raw`\\(?:[0abtnvfre "/\\N_LP]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4})`;
const doubleQuoted = String.raw`"(?:[^"\\\t]|${escapes})*"`;
const singleQuoted = String.raw`'(?:[^'\t]|'')*'`;
// Flow scalars as runs of words with single spaces, so each line matches in linear time.
const flowWord = String.raw`[^\s,[\]{}#:"'${"`"}]`;
const flowPlain = String.raw`(?:[^\s,[\]{}&*!"'#|>:?%@${"`"}-]|-[0-9.])${flowWord}*(?: ${flowWord}+)*`;
const flowItem = `(?:${doubleQuoted}|${singleQuoted}|${flowPlain})`;
const flowKey = `(${doubleQuoted}|${singleQuoted}|${flowPlain})`;
const flowPair = String.raw`${flowKey} ?: +${flowItem}`;
const flowPairs = new RegExp(String.raw`${flowPair} *(?:,|\})`, "g");
const blockScalarHeader = new RegExp(String.raw`^[|>][-+]?${comment}`);
const oneLineScalar = new RegExp(
  [
    `^${doubleQuoted}${comment}`,
    `^${singleQuoted}${comment}`,
    String.raw`^\[ *(?:${flowItem} *(?:, *${flowItem} *)*,? *)?\]${comment}`,
    String.raw`^\{ *(?:${flowPair} *(?:, *${flowPair} *)*,? *)?\}${comment}`,
    // Plain: no indicator first, no ": " inside, no tab, no trailing ":".
    String.raw`^(?:[^\s&*!{}[\]|>%@${"`"}"'#,?:-]|-[^\s-])(?:(?!:(?:\s|$))[^\t])*$`,
  ].join("|"),
);

/** The common line, `key: word words` or `key:`, read with one pattern that cannot backtrack. */
const simpleLine =
  /^ *([A-Za-z0-9_][A-Za-z0-9_./-]*):(?: +([A-Za-z0-9_./+][A-Za-z0-9_./+-]*(?: [A-Za-z0-9_./+-]+)*))? *$/;
const noColumns: readonly number[] = [];
/** A plain null key: the `yaml` package names it "", Bun.YAML "null". */
const nullKey = /^(?:null|Null|NULL|~)$/;

function simpleEntry(line: string): Entry | undefined {
  const m = simpleLine.exec(line);
  if (!m || nullKey.test(m[1] as string)) return undefined;
  return { columns: noColumns, opens: m[2] === undefined, key: m[1] as string };
}

function readEntry(content: string, column: number): Entry | undefined {
  const columns: number[] = [];
  let rest = content;
  let at = column;
  // Sequence items, possibly nested on one line: "- - a: 1".
  while (rest === "-" || rest.startsWith("- ")) {
    if (rest === "-") return { columns, opens: true };
    const after = rest.slice(1).trimStart();
    at += rest.length - after.length;
    rest = after;
    columns.push(at);
  }
  const key = keyLine.exec(rest);
  if (key && !key[1] && !key[2]) {
    const raw = key[3] as string;
    const name = unquoteKey(raw);
    if (
      /^[&*!|>%@`]/.test(raw) ||
      nullKey.test(raw) ||
      (raw.startsWith('"') && raw.includes("\\")) ||
      name === "<<"
    )
      return undefined;
    const value = rest.slice(key[0].length).trim();
    if (value === "" || value.startsWith("#")) return { columns, opens: true, key: name };
    if (blockScalarHeader.test(value)) return { columns, opens: false, key: name, blockScalar: at };
    return oneLineScalar.test(value) && uniqueFlowKeys(value)
      ? { columns, opens: false, key: name }
      : undefined;
  }
  // A scalar item of a sequence: the item itself opens nothing.
  const dash = columns.pop();
  if (dash === undefined) return undefined;
  if (blockScalarHeader.test(rest)) return { columns, opens: false, blockScalar: dash - 1 };
  return oneLineScalar.test(rest) && uniqueFlowKeys(rest) ? { columns, opens: false } : undefined;
}

/** A one-line flow mapping writes each key once (other scalars pass). */
function uniqueFlowKeys(value: string): boolean {
  if (!value.startsWith("{")) return true;
  const keys = new Set<string>();
  for (const m of value.matchAll(flowPairs)) {
    const raw = (m[1] as string).trim();
    const key = unquoteKey(raw);
    if (keys.has(key) || nullKey.test(raw)) return false;
    keys.add(key);
  }
  return true;
}
