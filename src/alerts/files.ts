/** The disk side of the alerts commands: loading definitions and writing the build atomically. */
import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { stackFacts } from "../core/catalog/stack.ts";
import { InputError } from "../core/errors.ts";
import type { GeneratedFile } from "../core/plan/generated.ts";
import { type AlertsDefinition, type AlertsModule, resolveDefinition } from "./definition.ts";
import { stackManifest, stackManifestPath } from "./stack-manifest.ts";

export const definitionsEntry = "alerts/index.ts";

/**
 * Imports `alerts/index.ts` under `root`; its default export is the definition, or a function
 * of the stack's facts read from `root/manifests` (every environment's values).
 */
export async function loadDefinition(root: string): Promise<AlertsDefinition> {
  const file = join(root, definitionsEntry);
  if (!(await Bun.file(file).exists())) {
    throw new InputError(`no alert definitions: ${definitionsEntry} does not exist`, {
      file: definitionsEntry,
    });
  }
  const mod = (await import(file)) as { default?: AlertsModule };
  const def: Partial<AlertsDefinition> | undefined =
    mod.default === undefined
      ? undefined
      : resolveDefinition(mod.default, () => stackFacts(loadManifestTree(join(root, "manifests"))));
  if (!def || !Array.isArray(def.ruleFiles) || !def.alertmanager || !def.scrapeInterval) {
    throw new InputError("the default export must be defineAlerts({...})", { file: definitionsEntry });
  }
  return def as AlertsDefinition;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Writes every file into a temporary directory beside `dir`, then swaps it in with
 * renames: readers see the old build or the new one, never half of each.
 */
export async function writeAtomically(dir: string, files: ReadonlyMap<string, string>): Promise<void> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(join(parent, `.${basename(dir)}.tmp-`));
  try {
    for (const [path, text] of files) {
      const target = join(temp, path);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    if (await exists(dir)) {
      const old = `${temp}.old`;
      await rename(dir, old);
      await rename(temp, dir);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(temp, dir);
    }
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * The committed files `alerts build` generates, with what it would write today from
 * `alerts/` and the values: `plan` fails when they differ. None when there is no alerts/.
 */
export async function generatedAlertFiles(root: string): Promise<GeneratedFile[]> {
  if (!(await Bun.file(join(root, definitionsEntry)).exists())) return [];
  const def = await loadDefinition(root);
  const committed = Bun.file(join(root, stackManifestPath));
  return [
    {
      path: stackManifestPath,
      expected: stackManifest(def),
      actual: (await committed.exists()) ? await committed.text() : undefined,
      regenerate: "bun run flyby alerts build",
      sources: "alerts/ and manifests/values/",
    },
  ];
}
