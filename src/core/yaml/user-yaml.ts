import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError } from "yaml";
import { InputError } from "../errors.ts";
import type { SourceLocation } from "../location.ts";

/** A user-written YAML file, parsed with positions so every complaint can name file:line. */
export interface UserYaml {
  readonly file: string;
  readonly data: unknown;
  /** Where a field path is written, or the nearest parent that is. */
  locate(path: readonly (string | number)[]): SourceLocation;
  /** How many leading segments of the path this file writes. */
  depth(path: readonly (string | number)[]): number;
}

function sentence(err: YAMLError, text: string): string {
  const first = err.message.split("\n")[0] ?? err.message;
  switch (err.code) {
    case "DUPLICATE_KEY": {
      const rest = text.slice(err.pos[0]);
      const key = rest.match(/^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^:\n]+?)\s*:/)?.[1] ?? "?";
      return `duplicate key ${JSON.stringify(key.replace(/^["']|["']$/g, ""))}: a key may appear only once in a mapping`;
    }
    case "TAB_AS_INDENT":
      return "a tab is used for indentation; YAML indents with spaces only";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
    case "BLOCK_AS_IMPLICIT_KEY":
      return `the YAML is malformed here (${first.replace(/ at line \d+, column \d+:?$/, "")}); check the indentation and the ':' after each key`;
    default:
      return `invalid YAML: ${first.replace(/ at line \d+, column \d+:?$/, "")}`;
  }
}

export function parseUserYaml(file: string, text: string): UserYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const err = doc.errors[0];
  if (err) {
    const pos = lineCounter.linePos(err.pos[0]);
    throw new InputError(sentence(err, text), { file, line: pos.line, column: pos.col });
  }
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    locate: (path) => walk(path).location,
    depth: (path) => walk(path).depth,
  };

  function walk(path: readonly (string | number)[]): { location: SourceLocation; depth: number } {
    let node: Node | null | undefined = doc.contents as Node | null;
    let best: SourceLocation = node?.range ? at(node.range[0]) : { file, line: 1 };
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (keyNode.range) best = at(keyNode.range[0]);
        node = pair.value as Node | null;
      } else if (isSeq(node) && /^\d+$/.test(String(seg))) {
        const item = node.items[Number(seg)] as Node | undefined;
        if (!item) break;
        if (item.range) best = at(item.range[0]);
        node = item;
      } else {
        break;
      }
      depth++;
    }
    return { location: best, depth };
  }
}
