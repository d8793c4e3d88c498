import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { InputError } from "../core/errors.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";

/** Reads every file under a manifests folder into a ManifestTree. */
export function loadManifestTree(root: string, displayRoot = "manifests"): ManifestTree {
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new InputError(`the manifests folder ${root} does not exist`, { file: displayRoot });
  }
  const files = new Map<string, string>();
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile())
        files.set(relative(root, full).split(sep).join("/"), readFileSync(full, "utf8"));
    }
  };
  visit(root);
  return { files, displayRoot };
}

/** The manifests of the repository at `root` (its `manifests/` folder): environments, chain, values, templates. */
export function repositoryManifests(root: string): ManifestTree {
  return loadManifestTree(join(root, "manifests"));
}
