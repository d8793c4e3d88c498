import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a whole folder or nothing: files go into a temporary sibling folder, which then
 * replaces the target with renames. A failure leaves the target as it was.
 */
export function writeDirectoryAtomically(target: string, files: ReadonlyMap<string, string>): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    for (const [rel, text] of files) {
      const path = join(staging, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    const old = `${staging}.old`;
    let moved = false;
    try {
      renameSync(target, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    renameSync(staging, target);
    if (moved) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}
