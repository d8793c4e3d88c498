import Handlebars from "handlebars";
import { InputError } from "../errors.ts";
import type { SourceLocation } from "../location.ts";

/**
 * Handlebars templates whose output remembers, line by line, which template file:line
 * produced it. Each content statement gets an invisible marker after every newline; the
 * markers are read and stripped after rendering. Loops and partials keep exact lines.
 */

// START<file index>:<line>END, with control characters never found in templates.
const START = "\u0001";
const END = "\u0002";
const marker = (file: number, line: number) => `${START}${file}:${line}${END}`;
const trailingMarker = new RegExp(`${START}\\d+:\\d+${END}$`);

export interface TemplateOutput {
  /** The rendered lines, markers removed. */
  readonly lines: readonly string[];
  /** For each line, the template file and line that wrote it. */
  readonly sources: readonly SourceLocation[];
}

type HandlebarsEnv = typeof Handlebars;
type Template = Handlebars.TemplateDelegate;

interface ContentNode {
  type: "ContentStatement";
  value: string;
  original: string;
  loc: { start: { line: number; column: number } };
}

function walk(node: unknown, visit: (n: { type: string }) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
    return;
  }
  if (node === null || typeof node !== "object") return;
  const n = node as { type?: string };
  if (typeof n.type === "string") visit(n as { type: string });
  for (const [k, v] of Object.entries(node)) if (k !== "loc") walk(v, visit);
}

function addLineMarkers(ast: hbs.AST.Program, fileIndex: number): void {
  walk(ast, (n) => {
    if (n.type !== "ContentStatement") return;
    const c = n as unknown as ContentNode;
    // Whitespace control may have stripped the start of the original text.
    let offset = 0;
    while (offset < c.original.length && !c.original.startsWith(c.value, offset)) offset++;
    let line = c.loc.start.line;
    for (let i = 0; i < offset; i++) if (c.original.charCodeAt(i) === 10) line++;
    // Text that starts a line (e.g. right after a standalone partial) names its line too.
    const startsLine = offset > 0 ? c.original.charCodeAt(offset - 1) === 10 : c.loc.start.column === 0;
    let out = startsLine ? marker(fileIndex, line) : "";
    for (const ch of c.value) {
      out += ch;
      if (ch === "\n") {
        line++;
        out += marker(fileIndex, line);
      }
    }
    c.value = out;
  });
}

/** Full dotted paths of every variable reference, by "line:column", for error messages. */
function pathsByPosition(ast: hbs.AST.Program): Map<string, { path: string; call: boolean }> {
  const paths = new Map<string, { path: string; call: boolean }>();
  const calls = new Set<string>();
  const at = (loc: hbs.AST.SourceLocation) => `${loc.start.line}:${loc.start.column}`;
  walk(ast, (n) => {
    if (n.type === "MustacheStatement" || n.type === "SubExpression" || n.type === "BlockStatement") {
      const m = n as unknown as hbs.AST.MustacheStatement;
      if (m.params.length > 0) calls.add(at(m.path.loc));
      // Helper arguments, by the call's own position, to name one that is missing.
      m.params.forEach((param, i) => {
        const original = (param as hbs.AST.PathExpression).original;
        if (typeof original === "string") paths.set(`${at(m.loc)}#${i}`, { path: original, call: false });
      });
    }
  });
  walk(ast, (n) => {
    if (n.type !== "PathExpression") return;
    const p = n as unknown as hbs.AST.PathExpression;
    paths.set(at(p.loc), { path: p.original, call: calls.has(at(p.loc)) });
  });
  return paths;
}

/** Names that only ever come from JavaScript's prototype chain, never from values. */
const builtInNames = new Set([...Object.getOwnPropertyNames(Object.prototype), "prototype"]);

/**
 * Refuses, before rendering, a path that names a JavaScript built-in (`values.constructor`,
 * `this.__proto__`, `lookup x "toString"`). Strict lookups would fail on them anyway; this
 * also covers the arguments of block helpers such as `#with`, which Handlebars looks up
 * leniently.
 */
function checkBuiltInNames(ast: hbs.AST.Program, file: string): void {
  walk(ast, (n) => {
    let name: string | undefined;
    let shown: string | undefined;
    let loc: hbs.AST.SourceLocation | undefined;
    if (n.type === "PathExpression") {
      const p = n as unknown as hbs.AST.PathExpression;
      name = p.parts.find((part) => builtInNames.has(part));
      ({ original: shown, loc } = p);
    } else if (n.type === "MustacheStatement" || n.type === "SubExpression" || n.type === "BlockStatement") {
      const m = n as unknown as hbs.AST.MustacheStatement;
      if ((m.path as hbs.AST.PathExpression).original !== "lookup") return;
      const field = m.params[1] as hbs.AST.StringLiteral | undefined;
      if (field?.type === "StringLiteral" && builtInNames.has(field.value)) {
        name = field.value;
        shown = field.value;
        loc = field.loc;
      }
    }
    if (name === undefined || !loc) return;
    throw new InputError(
      `missing variable "${shown}": "${name}" is a JavaScript built-in, not a value; templates read only what the values define`,
      { file, line: loc.start.line, column: loc.start.column + 1 },
    );
  });
}

function unclosedBlock(source: string): { name: string; line: number } | undefined {
  const stack: { name: string; line: number }[] = [];
  const re = /\{\{~?\s*([#/^])\s*>?\s*([\w.-]+)/g;
  for (const m of source.matchAll(re)) {
    const line = source.slice(0, m.index).split("\n").length;
    if (m[1] === "#") stack.push({ name: m[2] as string, line });
    else if (m[1] === "/") stack.pop();
  }
  return stack.at(-1);
}

function parseError(e: Error, file: string, source: string): InputError {
  const line = Number(
    /Parse error on line (\d+)/.exec(e.message)?.[1] ?? (e as { lineNumber?: number }).lineNumber,
  );
  if (/got 'EOF'/.test(e.message)) {
    const open = unclosedBlock(source);
    if (open) {
      return new InputError(
        `the block {{#${open.name}}} opened here is never closed with {{/${open.name}}}`,
        {
          file,
          line: open.line,
        },
      );
    }
  }
  const mismatch = /^(\S+) doesn't match (\S+)/.exec(e.message);
  if (mismatch) {
    return new InputError(
      `{{/${mismatch[2]}}} closes a block that was opened as {{#${mismatch[1]}}}`,
      Number.isFinite(line) ? { file, line } : { file },
    );
  }
  const detail = e.message.split("\n").at(-1) ?? e.message;
  return new InputError(
    `the template does not parse: ${detail}`,
    Number.isFinite(line) ? { file, line } : { file },
  );
}

/** Thrown when a helper gets an undefined argument: strict mode does not check those. */
class MissingArgument extends Error {
  constructor(
    readonly index: number,
    readonly line: number,
    readonly column: number,
  ) {
    super("missing helper argument");
  }
}

/** Thrown by `lookup` when the field is not a value of the object. */
class MissingLookup extends Error {
  constructor(
    readonly field: string,
    readonly loc: hbs.AST.SourceLocation | undefined,
  ) {
    super("missing lookup");
  }
}

const guarded = new WeakMap<object, object>();

/**
 * What templates see of a value: its own properties only. Handlebars' strict mode checks a
 * name with `in`, which also finds `constructor`, `__proto__`, `toString`… on the prototype
 * chain; through this guard those are missing values like any other. Nested objects are
 * guarded as they are read. Helpers still call methods (`list.join`) as usual.
 */
export function ownValues<T>(value: T): T {
  if (typeof value !== "object" || value === null) return value;
  let proxy = guarded.get(value);
  if (!proxy) {
    proxy = new Proxy(value, {
      has: (target, key) => Object.hasOwn(target, key),
      get(target, key, receiver) {
        const v = Reflect.get(target, key, receiver);
        return Object.hasOwn(target, key) ? ownValues(v) : v;
      },
    });
    guarded.set(value, proxy);
    guarded.set(proxy, proxy);
  }
  return proxy as T;
}

function strictArguments(fn: Handlebars.HelperDelegate): Handlebars.HelperDelegate {
  return function (this: unknown, ...args: unknown[]) {
    const options = args.at(-1) as { loc?: hbs.AST.SourceLocation };
    const missing = args.slice(0, -1).indexOf(undefined);
    if (missing >= 0 && options.loc) {
      throw new MissingArgument(missing, options.loc.start.line, options.loc.start.column);
    }
    try {
      return ownValues((fn as (...a: unknown[]) => unknown).apply(this, args));
    } catch (e) {
      if (e instanceof InputError || e instanceof MissingArgument || e instanceof MissingLookup) throw e;
      // A helper given a value it cannot use (`indent -1 x`): name the call. The template set fills in the file.
      const at = options.loc ? { line: options.loc.start.line, column: options.loc.start.column + 1 } : {};
      const name = (options as { name?: string }).name ?? "a helper";
      throw new InputError(`the helper "${name}" failed: ${(e as Error).message}`, { file: "", ...at });
    }
  };
}

/** `lookup obj field` that answers only with the object's own values. */
function strictLookup(obj: unknown, field: unknown, options: { loc?: hbs.AST.SourceLocation }): unknown {
  if (typeof obj === "object" && obj !== null && Object.hasOwn(obj, String(field))) {
    return (obj as Record<string, unknown>)[String(field)];
  }
  throw new MissingLookup(String(field), options.loc);
}

export interface TemplateSet {
  /** Registers a partial, used as `{{> name}}`. */
  addPartial(name: string, file: string, source: string): void;
  compile(file: string, source: string): (context: unknown) => TemplateOutput;
}

export function createTemplateSet(helpers: Record<string, Handlebars.HelperDelegate>): TemplateSet {
  const hb: HandlebarsEnv = Handlebars.create();
  for (const [name, fn] of Object.entries({ ...helpers, lookup: strictLookup as Handlebars.HelperDelegate }))
    hb.registerHelper(name, strictArguments(fn));
  const files: string[] = [];
  const paths = new Map<string, Map<string, { path: string; call: boolean }>>();

  function prepare(file: string, source: string): Template {
    const fileIndex = files.push(file) - 1;
    let ast: hbs.AST.Program;
    try {
      ast = hb.parse(source);
    } catch (e) {
      throw parseError(e as Error, file, source);
    }
    checkBuiltInNames(ast, file);
    paths.set(file, pathsByPosition(ast));
    addLineMarkers(ast, fileIndex);
    const template = hb.compile(ast, { strict: true, noEscape: true });
    // Handlebars indents every non-empty line of a partial's output, so a marker left after
    // its last newline would indent the line that follows the partial.
    return (ctx, options) => template(ctx, options).replace(trailingMarker, "");
  }

  /**
   * Where a template reads a field of text or a number (`values.partOf.length`): Handlebars'
   * strict check fails there with a bare TypeError and no position, so find the first path
   * from the root whose parent value is not an object.
   */
  function fieldOfScalar(context: unknown, file: string): InputError | undefined {
    for (const f of [file, ...[...paths.keys()].filter((f) => f !== file)]) {
      for (const [at, { path }] of paths.get(f) ?? []) {
        const parts = path.replace(/^@root\./, "").split(".");
        let value: unknown = context;
        for (const [i, part] of parts.entries()) {
          if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) {
            if (i === 0 || value === undefined || value === null || typeof value === "object") break;
            const [line, column] = at.split(/[:#]/).map(Number);
            return new InputError(
              `"${path}" reads "${part}" of ${parts.slice(0, i).join(".")}, which is ${typeof value === "string" ? "text" : `a ${typeof value}`}, not a mapping`,
              { file: f, line: line as number, column: (column as number) + 1 },
            );
          }
          value = (value as Record<string, unknown>)[part];
        }
      }
    }
    return undefined;
  }

  function runtimeError(e: unknown, file: string, context?: unknown): InputError {
    if (e instanceof MissingArgument) {
      for (const f of [file, ...[...paths.keys()].filter((f) => f !== file)]) {
        const p = paths.get(f)?.get(`${e.line}:${e.column}#${e.index}`);
        if (p) {
          return new InputError(`missing variable "${p.path}": no such value is defined`, {
            file: f,
            line: e.line,
            column: e.column + 1,
          });
        }
      }
    }
    if (e instanceof MissingLookup) {
      const where = e.loc ? { file, line: e.loc.start.line, column: e.loc.start.column + 1 } : { file };
      return new InputError(
        `missing variable "${e.field}" (asked for by "lookup"): no such value is defined`,
        where,
      );
    }
    if (e instanceof InputError) {
      return e.location?.file === "" ? new InputError(e.reason, { ...e.location, file }, e.fieldPath) : e;
    }
    if (e instanceof TypeError && /in obj|'in' operator/.test(e.message)) {
      const found = fieldOfScalar(context, file);
      if (found) return found;
    }
    const err = e as Error & { lineNumber?: number; column?: number };
    // Handlebars reports the innermost template; its message ends with "- line:column".
    const loc =
      err.lineNumber !== undefined ? { file, line: err.lineNumber, column: (err.column ?? 0) + 1 } : { file };
    const missing = /^"([^"]+)" not defined in/.exec(err.message);
    if (missing) {
      const name = missing[1] as string;
      // The innermost template may be a partial: prefer the rendered file, then the others.
      const candidates = [file, ...[...paths.keys()].filter((f) => f !== file)];
      for (const f of candidates) {
        const p = paths.get(f)?.get(`${err.lineNumber}:${err.column}`);
        if (!p?.path.endsWith(name)) continue;
        const where = { ...loc, file: f };
        if (p.call) return new InputError(`unknown helper "${p.path}"`, where);
        return new InputError(`missing variable "${p.path}": no such value is defined`, where);
      }
      return new InputError(`missing variable "${name}": no such value is defined`, loc);
    }
    const helper = /^Missing helper: "?([^"]+)"?/.exec(err.message);
    if (helper) return new InputError(`unknown helper "${helper[1]}"`, loc);
    return new InputError(`the template failed: ${err.message}`, loc);
  }

  return {
    addPartial(name, file, source) {
      hb.registerPartial(name, prepare(file, source));
    },
    compile(file, source) {
      const template = prepare(file, source);
      return (context) => {
        let text: string;
        try {
          text = template(ownValues(context));
        } catch (e) {
          throw runtimeError(e, file, context);
        }
        return readMarkers(text, files, file);
      };
    },
  };
}

/** Splits rendered text into lines, reading and removing the markers in one pass. */
function readMarkers(text: string, files: readonly string[], file: string): TemplateOutput {
  const lines: string[] = [];
  const sources: SourceLocation[] = [];
  const locations = new Map<string, SourceLocation>();
  let current: SourceLocation = { file, line: 1 };
  let lineStart = 0;
  let pending = "";
  let pos = 0;
  while (pos <= text.length) {
    const nl = text.indexOf("\n", pos);
    const mk = text.indexOf(START, pos);
    const end = nl < 0 ? text.length : nl;
    if (mk >= 0 && mk < end) {
      // The last marker on a line wins: a partial's own lines follow its caller's marker.
      const close = text.indexOf(END, mk);
      const id = text.slice(mk + 1, close);
      let loc = locations.get(id);
      if (!loc) {
        const colon = id.indexOf(":");
        loc = { file: files[Number(id.slice(0, colon))] as string, line: Number(id.slice(colon + 1)) };
        locations.set(id, loc);
      }
      current = loc;
      pending += text.slice(lineStart, mk);
      lineStart = close + 1;
      pos = close + 1;
      continue;
    }
    lines.push(pending + text.slice(lineStart, end));
    sources.push(current);
    pending = "";
    lineStart = end + 1;
    pos = end + 1;
  }
  return { lines, sources };
}
