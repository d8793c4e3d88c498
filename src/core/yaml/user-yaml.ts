import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  parseDocument,
  visit,
  type YAMLError,
} from "yaml";
import { InputError } from "../errors.ts";
import { positionAt, type SourceLocation } from "../location.ts";
import { isPlainBlockYaml } from "./plain-block.ts";

/**
 * The one loader for YAML that people write or hand to flyby: values, environments and
 * hydrated manifests. Every problem is an InputError with file:line and a sentence.
 */
export const YamlLimits = {
  /** Bytes per file. The seed's largest values file is a few KB; 10 MB loads in about a second. */
  maxBytes: 10 * 1024 * 1024,
  /** The `yaml` package's alias budget: an anchor used more often (or holding aliases) is refused. */
  maxAliasCount: 100,
  /** Flow collections (`[`, `{`) open at once. Brackets inside strings count too: a cheap, linear check. */
  maxFlowDepth: 1000,
} as const;

/** A user-written YAML file, parsed with positions so every complaint can name file:line. */
export interface UserYaml {
  readonly file: string;
  readonly data: unknown;
  /** Where a field path is written, or the nearest parent that is. */
  locate(path: readonly (string | number)[]): SourceLocation;
  /** How many leading segments of the path this file writes. */
  depth(path: readonly (string | number)[]): number;
}

/** One document of a multi-document file and the line it starts on. */
export interface UserYamlDocument {
  readonly data: unknown;
  readonly line: number;
}

function sentence(err: YAMLError): string {
  const first = (err.message.split("\n")[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, "");
  switch (err.code) {
    case "TAB_AS_INDENT":
      return "a tab is used for indentation; YAML indents with spaces only";
    case "BAD_INDENT":
    case "MISSING_CHAR":
    case "UNEXPECTED_TOKEN":
    case "BLOCK_AS_IMPLICIT_KEY":
      return `the YAML is malformed here (${first}); check the indentation and the ':' after each key`;
    case "MULTIPLE_DOCS":
      return "the file holds more than one YAML document (a second '---'); write one document";
    default:
      return `invalid YAML: ${first}`;
  }
}

/** Refuses a file over the size limit; callers that read files may ask before reading. */
export function checkYamlSize(file: string, bytes: number): void {
  if (bytes > YamlLimits.maxBytes) {
    throw new InputError(
      `the file is ${(bytes / 1024 / 1024).toFixed(1)} MB; flyby reads YAML files of at most ${YamlLimits.maxBytes / 1024 / 1024} MB`,
      { file, line: 1 },
    );
  }
}

function checkLimits(file: string, text: string): void {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no count.
  if (text.length * 3 > YamlLimits.maxBytes) checkYamlSize(file, Buffer.byteLength(text, "utf8"));
  // The `yaml` package spends time per nesting level: refuse absurd depths before parsing.
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      if (++depth > YamlLimits.maxFlowDepth) {
        const { line, column } = positionAt(text, i);
        throw new InputError(
          `the YAML nests more than ${YamlLimits.maxFlowDepth} brackets deep; flyby does not read deeper structures`,
          { file, line, column },
        );
      }
    } else if ((c === 0x5d || c === 0x7d) && depth > 0) depth--;
  }
}

/** Decodes one parsed document, turning each error the `yaml` package reports or throws into an InputError. */
function decode(doc: Document.Parsed, at: (offset: number) => SourceLocation): unknown {
  const err = doc.errors[0];
  if (err) throw new InputError(sentence(err), at(err.pos[0]));
  const aliases: { name: string; offset: number }[] = [];
  try {
    visit(doc, {
      Map(_, map) {
        // Each key once: a Map per mapping keeps this linear (the package's uniqueKeys is not).
        const seen = new Set<unknown>();
        for (const pair of map.items) {
          const key = isScalar(pair.key) ? pair.key.value : pair.key;
          if (seen.has(key)) {
            const where = (pair.key as Node | null)?.range?.[0] ?? map.range?.[0] ?? 0;
            throw new InputError(
              `duplicate key ${JSON.stringify(String(key))}: a key may appear only once in a mapping`,
              at(where),
            );
          }
          seen.add(key);
        }
      },
      Alias(_, alias) {
        aliases.push({ name: alias.source, offset: alias.range?.[0] ?? 0 });
      },
    });
    return doc.toJS({ maxAliasCount: YamlLimits.maxAliasCount });
  } catch (e) {
    if (e instanceof InputError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    const unresolved = /^Unresolved alias[^:]*: (.*)$/.exec(message);
    if (unresolved) {
      const alias = aliases.find((a) => a.name === unresolved[1]) ?? aliases[0];
      throw new InputError(
        `the alias *${unresolved[1]} refers to no anchor; an anchor (&${unresolved[1]}) must come before its aliases`,
        at(alias?.offset ?? 0),
      );
    }
    if (/alias count/i.test(message)) {
      throw new InputError(
        `the aliases in this file expand too far (more than ${YamlLimits.maxAliasCount} uses of an anchor, fewer when anchors nest); write the values out instead of repeating them through aliases`,
        at(aliases[0]?.offset ?? 0),
      );
    }
    if (e instanceof RangeError) {
      throw new InputError("the YAML nests too deeply to be read", at(0));
    }
    throw new InputError(`invalid YAML: ${message.split("\n")[0]}`, at(0));
  }
}

function positioned(file: string) {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  return { lineCounter, at };
}

const parseOptions = { uniqueKeys: false, prettyErrors: false, strict: true, logLevel: "error" } as const;

/**
 * Loads one YAML document. Plain block YAML (the common case) is decoded by Bun.YAML, which
 * is linear and about ten times faster; anything else, and every error, goes through the
 * `yaml` package, which knows positions. Positions for `locate` are computed on first use.
 */
export function parseUserYaml(file: string, text: string): UserYaml {
  checkLimits(file, text);
  let data: unknown;
  let fast = false;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (isPlainBlockYaml(body.split(/\r?\n/))) {
    try {
      data = Bun.YAML.parse(body);
      fast = true;
    } catch {
      // The `yaml` package below names the line at fault.
    }
  }
  let parsed: { doc: Document.Parsed; at: (offset: number) => SourceLocation } | undefined;
  const slow = () => {
    if (parsed) return parsed;
    const { lineCounter, at } = positioned(file);
    let doc: Document.Parsed;
    try {
      doc = parseDocument(text, { ...parseOptions, lineCounter });
    } catch (e) {
      if (e instanceof RangeError) throw new InputError("the YAML nests too deeply to be read", at(0));
      throw e;
    }
    parsed = { doc, at };
    return parsed;
  };
  if (!fast) {
    const { doc, at } = slow();
    data = decode(doc, at);
  }
  return {
    file,
    data,
    locate: (path) => walk(path).location,
    depth: (path) => walk(path).depth,
  };

  function walk(path: readonly (string | number)[]): { location: SourceLocation; depth: number } {
    const { doc, at } = slow();
    let node: Node | null | undefined = doc.contents as Node | null;
    let best: SourceLocation = node?.range ? at(node.range[0]) : { file, line: 1 };
    let depth = 0;
    for (const seg of path) {
      if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
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

/** Loads every document of a multi-document YAML stream (hydrated manifests), skipping empty ones. */
export function parseUserYamlDocuments(file: string, text: string): UserYamlDocument[] {
  checkLimits(file, text);
  const { lineCounter, at } = positioned(file);
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...parseOptions, lineCounter }) as Document.Parsed[];
  } catch (e) {
    if (e instanceof RangeError) throw new InputError("the YAML nests too deeply to be read", at(0));
    throw e;
  }
  if (!Array.isArray(docs)) {
    // parseAllDocuments returns an EmptyStream for a text with no documents.
    return [];
  }
  const out: UserYamlDocument[] = [];
  for (const doc of docs) {
    const data = decode(doc, at);
    if (data === null || data === undefined) continue;
    out.push({ data, line: lineCounter.linePos(doc.range[0]).line });
  }
  return out;
}
