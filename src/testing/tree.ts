import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, relative } from "node:path";

/**
 * Every entry under `root` with a digest of what it holds (a file's bytes, a link's target,
 * "dir" for a folder): two snapshots are equal exactly when nothing under `root` changed.
 */
export function treeSnapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const rel = relative(root, path);
      const stat = lstatSync(path);
      if (stat.isDirectory()) {
        out[rel] = "dir";
        walk(path);
      } else if (stat.isSymbolicLink()) {
        out[rel] = `link ${readlinkSync(path)}`;
      } else {
        out[rel] = createHash("sha256").update(readFileSync(path)).digest("hex");
      }
    }
  };
  walk(root);
  return out;
}
