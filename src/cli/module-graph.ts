import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

export interface ModuleGraph {
  /** Source files reached through static imports, absolute paths. */
  readonly files: ReadonlySet<string>;
  /** Packages reached through static imports (`yaml`, `@kubernetes/client-node`), without node builtins. */
  readonly packages: ReadonlySet<string>;
}

const packageName = (specifier: string) =>
  specifier
    .split("/")
    .slice(0, specifier.startsWith("@") ? 2 : 1)
    .join("/");

/**
 * What loading `entries` loads before any code runs: the static imports, followed through
 * flyby's own files. Dynamic `import()` is not followed: it loads only when called.
 */
export function staticModuleGraph(entries: readonly string[]): ModuleGraph {
  const transpiler = new Bun.Transpiler({ loader: "ts" });
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = entries.map((e) => resolve(e));
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith(".ts")) continue;
    for (const { path, kind } of transpiler.scanImports(readFileSync(file, "utf8"))) {
      if (kind !== "import-statement") continue;
      if (path.startsWith(".")) pending.push(resolve(dirname(file), path));
      else if (!path.startsWith("node:") && !path.startsWith("bun:")) packages.add(packageName(path));
    }
  }
  return { files, packages };
}
