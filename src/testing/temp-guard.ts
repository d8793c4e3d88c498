import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

export interface LeftoverGuard {
  /** The folder every temporary file of the run now goes into. */
  readonly dir: string;
  /** Called after each test: remembers which test file an entry was first seen after. */
  notice(testFile: string): void;
  /** Removes the folder; throws, naming each entry and its test file, when it was not empty. */
  finish(): void;
}

/**
 * Points TMPDIR, TMP and TEMP (which os.tmpdir() and child programs read) at a new folder
 * under `root`, so that whatever a test leaves in the temp directory can be found and named.
 */
export function leftoverGuard(
  env: Record<string, string | undefined> = process.env,
  root = tmpdir(),
): LeftoverGuard {
  const dir = mkdtempSync(join(root, "flyby-test-run-"));
  for (const name of ["TMPDIR", "TMP", "TEMP"]) env[name] = dir;
  const firstSeenAfter = new Map<string, string>();
  const notice = (testFile: string) => {
    for (const entry of readdirSync(dir))
      if (!firstSeenAfter.has(entry)) firstSeenAfter.set(entry, relative(process.cwd(), testFile));
  };
  const guard: LeftoverGuard = {
    dir,
    notice,
    finish() {
      notice("the last test file's teardown");
      const left = readdirSync(dir).sort();
      rmSync(dir, { recursive: true, force: true });
      if (left.length === 0) return;
      const lines = left.map(
        (entry) => `  ${entry} (first seen after a test of ${firstSeenAfter.get(entry)})`,
      );
      throw new Error(
        `tests left ${left.length === 1 ? "1 entry" : `${left.length} entries`} in the temp directory:\n${lines.join("\n")}`,
      );
    },
  };
  return guard;
}
