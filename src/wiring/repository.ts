import { gitLine } from "../adapters/git.ts";
import { repositoryManifests } from "../adapters/manifest-files.ts";
import {
  checkOutputFile,
  checkOutputFolder,
  type OutputFileRules,
  type OutputRules,
  writeOutputFile,
  writeOutputFolder,
} from "../adapters/output-folder.ts";
import type { ManifestSource } from "../app/render.ts";

/**
 * The repository flyby runs in, as the light commands reach it: its manifests, its checkout,
 * and the files and folders they write. Its adapters load no library, so `--help`, `--version`
 * and `render` start without the cluster, GitHub or PromQL clients (see src/cli/startup.test.ts).
 */

/** The file flyby leaves in every folder it writes; the help of the commands that write one names it. */
export { outputMarker } from "../adapters/output-folder.ts";

/** The manifests under `root/manifests`, read when a use case asks for them. */
export function manifestFiles(root: string): ManifestSource {
  return { manifests: () => repositoryManifests(root) };
}

/** The short commit id of the checkout at `root`, or undefined when it is not a git checkout. */
export function checkoutCommit(root: string): string | undefined {
  return gitLine(root, ["rev-parse", "--short", "HEAD"]);
}

/** A folder a command replaces whole, refused here (exit 2) unless flyby may replace it. */
export function outputFolder(
  target: string,
  rules: OutputRules,
): { write(files: ReadonlyMap<string, string>): void } {
  checkOutputFolder(target, rules);
  return { write: (files) => writeOutputFolder(target, files, rules) };
}

/** A file a command writes whole, refused here (exit 2) unless flyby may replace it. */
export function outputFile(target: string, rules: OutputFileRules): { write(text: string): void } {
  checkOutputFile(target, rules);
  return { write: (text) => writeOutputFile(target, text, rules) };
}

// The edges read the repository's manifests through the wiring.
export { repositoryManifests };
