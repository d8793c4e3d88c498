import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Glob } from "bun";
import ts from "typescript";

/** One import of one file: `from` imports `to` at `line` (both repository-relative). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
  readonly line: number;
  /** Set when `from` passes `to` on (`export … from`) rather than only using it. */
  readonly reexport?: true;
}

/**
 * The layers of the code, lowest first. A file's part is its folder under `src/` (a feature's
 * `adapters/` subfolder counts as an adapter), `src/wiring/`, `actions/`, or `alerts/` (the
 * alert definitions, user configuration written in the DSL).
 */
export const Layer = {
  Core: "core",
  Feature: "feature",
  Adapter: "adapter",
  App: "app",
  Wiring: "wiring",
  Edge: "edge",
  Support: "support",
  Definitions: "definitions",
} as const;
export type Layer = (typeof Layer)[keyof typeof Layer];

const featureFolders = new Set([
  "alerts",
  "apply",
  "bundle",
  "dashboards",
  "diff",
  "exporter",
  "promote",
  "pr",
  "receiver",
  "smoke",
]);
const adapterFolders = new Set(["adapters", "github"]);
/** Edges: the CLI, the actions and their runner, and the demo. */
const edgeFolders = new Set(["cli", "action", "demo", "actions"]);
const supportFolders = new Set(["testing", "bench", "rehearsal"]);

/** The alert definitions' part: the top-level `alerts/`, apart from the DSL's feature folder `src/alerts`. */
const definitionsPart = "definitions";
/** The DSL's public module: alert definitions import it, what it re-exports, and each other. */
export const dslModule = "src/alerts/dsl.ts";

/** The part of the tree a file belongs to: `core`, `smoke`, `smoke/adapters`, `wiring`, `actions`, `definitions`. */
export function partOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "actions") return "actions";
  if (parts[0] === "alerts") return definitionsPart;
  if (parts.length === 2) return parts[1]?.replace(/\.ts$/, "") ?? file;
  const folder = parts[1] as string;
  return featureFolders.has(folder) && parts[2] === "adapters" && parts.length > 3
    ? `${folder}/adapters`
    : folder;
}

export function layerOf(part: string): Layer {
  if (part === "core") return Layer.Core;
  if (part === "app") return Layer.App;
  if (part === "wiring") return Layer.Wiring;
  if (part === definitionsPart) return Layer.Definitions;
  if (part.endsWith("/adapters") || adapterFolders.has(part)) return Layer.Adapter;
  if (featureFolders.has(part)) return Layer.Feature;
  if (edgeFolders.has(part)) return Layer.Edge;
  if (supportFolders.has(part)) return Layer.Support;
  throw new Error(`${part}: a folder the import rule does not know; give it a layer in import-rule.ts`);
}

/** What each layer may import besides itself. */
const allowed: Record<Layer, readonly Layer[]> = {
  core: [],
  feature: [Layer.Core],
  adapter: [Layer.Core, Layer.Feature],
  app: [Layer.Core, Layer.Feature],
  wiring: [Layer.Core, Layer.Feature, Layer.Adapter, Layer.App],
  // An edge parses its input, calls the wiring and a use case, and prints: the wiring builds the adapters.
  edge: [Layer.Core, Layer.Feature, Layer.App, Layer.Wiring],
  support: [Layer.Core, Layer.Feature, Layer.Adapter, Layer.App, Layer.Wiring, Layer.Edge, Layer.Definitions],
  // Definitions reach only the DSL's public module; see importRuleViolations.
  definitions: [],
};

const scannedFolders = ["src", "actions", "alerts"];

/** The lines of `text` holding the module of an `export … from` statement. */
function reexportLines(file: string, text: string): Set<number> {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest);
  return new Set(
    source.statements.flatMap((s) =>
      ts.isExportDeclaration(s) && s.moduleSpecifier
        ? [source.getLineAndCharacterOfPosition(s.moduleSpecifier.getStart(source)).line + 1]
        : [],
    ),
  );
}

/** The relative imports (static, `export … from`, dynamic and type-only) of every non-test file. */
export function scanImports(
  root: string,
  patterns = scannedFolders.map((folder) => `${folder}/**/*.ts`),
): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const pattern of patterns) {
    for (const file of new Glob(pattern).scanSync(root)) {
      if (file.endsWith(".test.ts")) continue;
      const text = readFileSync(join(root, file), "utf8");
      const { importedFiles } = ts.preProcessFile(text, true, true);
      const reexports = reexportLines(file, text);
      for (const ref of importedFiles) {
        if (!ref.fileName.startsWith(".")) continue;
        const to = relative(root, resolve(root, dirname(file), ref.fileName));
        // package.json and the like are data, not a part of the code.
        if (!scannedFolders.some((folder) => to.startsWith(`${folder}/`))) continue;
        const line = text.slice(0, ref.pos).split("\n").length;
        edges.push({ from: file, to, line, ...(reexports.has(line) ? { reexport: true as const } : {}) });
      }
    }
  }
  return edges.sort((a, b) => a.from.localeCompare(b.from) || a.line - b.line);
}

const where = (e: ImportEdge) => `${e.from}:${e.line} imports ${e.to}`;

/** Every import that breaks the rule, one line each naming file:line; empty when the tree keeps it. */
export function importRuleViolations(edges: readonly ImportEdge[]): string[] {
  const out: string[] = [];
  const between = new Map<string, Map<string, ImportEdge>>();
  const dsl = new Set([
    dslModule,
    ...edges.filter((e) => e.from === dslModule && e.reexport).map((e) => e.to),
  ]);
  for (const e of edges) {
    const from = partOf(e.from);
    const to = partOf(e.to);
    if (from === to) continue;
    const [fromLayer, toLayer] = [layerOf(from), layerOf(to)];
    // Tests and benchmarks may reach anything; they are not part of the layering.
    if (fromLayer === Layer.Support) continue;
    if (fromLayer === Layer.Definitions) {
      if (!dsl.has(e.to))
        out.push(`${where(e)}: alert definitions import only the DSL (${dslModule} and what it re-exports)`);
    } else if (to === "cli") out.push(`${where(e)}: nothing but the CLI's entry points imports src/cli`);
    else if (toLayer === Layer.Support) out.push(`${where(e)}: product code imports test support (${to})`);
    else if (fromLayer !== toLayer && !allowed[fromLayer].includes(toLayer))
      out.push(`${where(e)}: ${fromLayer} (${from}) may not import ${toLayer} (${to})`);
    const targets = between.get(from) ?? new Map<string, ImportEdge>();
    if (!targets.has(to)) targets.set(to, e);
    between.set(from, targets);
  }
  for (const cycle of folderCycles(between)) {
    const steps = cycle.map((e) => `  ${where(e)}`).join("\n");
    out.push(
      `folder cycle ${cycle.map((e) => partOf(e.from)).join(" → ")} → ${partOf(cycle[0]?.from ?? "")}:\n${steps}`,
    );
  }
  return out;
}

/** One cycle per strongly connected group of folders, each step shown by its first import. */
function folderCycles(graph: ReadonlyMap<string, ReadonlyMap<string, ImportEdge>>): ImportEdge[][] {
  const cycles: ImportEdge[][] = [];
  const done = new Set<string>();
  for (const start of [...graph.keys()].sort()) {
    // Breadth-first from `start` back to itself gives the shortest cycle through it.
    const via = new Map<string, ImportEdge>();
    const queue = [start];
    while (queue.length > 0 && !via.has(start)) {
      const at = queue.shift() as string;
      for (const [next, edge] of graph.get(at) ?? []) {
        if (via.has(next) || done.has(next)) continue;
        via.set(next, edge);
        queue.push(next);
      }
    }
    if (via.has(start)) {
      const cycle: ImportEdge[] = [];
      let at = start;
      do {
        const edge = via.get(at) as ImportEdge;
        cycle.unshift(edge);
        at = partOf(edge.from);
      } while (at !== start);
      cycles.push(cycle);
      for (const e of cycle) done.add(partOf(e.from));
    }
  }
  return cycles;
}
