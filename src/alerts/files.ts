/** The disk side of the alerts commands: loading definitions and writing the build atomically. */
import { join } from "node:path";
import { type OutputRules, writeOutputFolder } from "../adapters/output-folder.ts";
import { InputError } from "../core/errors.ts";
import type { AlertsDefinition } from "./definition.ts";

export const definitionsEntry = "alerts/index.ts";

/** Imports `alerts/index.ts` under `root`; its default export is the definition. */
export async function loadDefinition(root: string): Promise<AlertsDefinition> {
  const file = join(root, definitionsEntry);
  if (!(await Bun.file(file).exists())) {
    throw new InputError(`no alert definitions: ${definitionsEntry} does not exist`, {
      file: definitionsEntry,
    });
  }
  const mod = (await import(file)) as { default?: Partial<AlertsDefinition> };
  const def = mod.default;
  if (!def || !Array.isArray(def.ruleFiles) || !def.alertmanager || !def.scrapeInterval) {
    throw new InputError("the default export must be defineAlerts({...})", { file: definitionsEntry });
  }
  return def as AlertsDefinition;
}

/**
 * Writes every file into a temporary directory beside `dir`, then swaps it in with
 * renames: readers see the old build or the new one, never half of each. `dir` must be new,
 * empty, or an earlier flyby output (see writeOutputFolder).
 */
export async function writeAtomically(
  dir: string,
  files: ReadonlyMap<string, string>,
  rules: OutputRules = { display: dir },
): Promise<void> {
  writeOutputFolder(dir, files, rules);
}
