/**
 * The manifests folder as data: relative path → file text. Adapters fill it from the
 * working tree, a git ref or a test; the render core only ever reads this map.
 */
export interface ManifestTree {
  /** Paths relative to the manifests folder, with forward slashes. */
  readonly files: ReadonlyMap<string, string>;
  /** How paths are shown to people, e.g. `manifests` or `manifests@main`. */
  readonly displayRoot: string;
}

export const ManifestPaths = {
  environments: "environments.yaml",
  templatesDir: "templates/",
  partialsDir: "partials/",
  templateSuffix: ".yaml.hbs",
  plainSuffix: ".yaml",
  partialSuffix: ".hbs",
} as const;

export function displayPath(tree: ManifestTree, path: string): string {
  return `${tree.displayRoot}/${path}`;
}

export function filesUnder(tree: ManifestTree, dir: string, suffix: string): string[] {
  return [...tree.files.keys()].filter((p) => p.startsWith(dir) && p.endsWith(suffix)).sort();
}
