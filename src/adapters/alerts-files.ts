/** The disk side of the alerts commands: loading definitions and writing the build atomically. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AlertsDefinition, type AlertsModule, resolveDefinition } from "../alerts/definition.ts";
import { stackManifest, stackManifestHeader, stackManifestPath } from "../alerts/stack-manifest.ts";
import { stackFacts } from "../core/catalog/stack.ts";
import { InputError } from "../core/errors.ts";
import type { GeneratedFile } from "../core/plan/generated.ts";
import { repositoryManifests } from "./manifest-files.ts";
import {
  checkOutputFile,
  checkOutputFolder,
  type OutputFileRules,
  type OutputRules,
  writeOutputFile,
  writeOutputFolder,
} from "./output-folder.ts";

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
      : resolveDefinition(mod.default, () => stackFacts(repositoryManifests(root)));
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

/** Builds into a scratch folder, runs `use` there, and always removes the folder. */
export async function withScratchBuild<T>(
  files: ReadonlyMap<string, string>,
  use: (dir: string) => Promise<T>,
): Promise<T> {
  const parent = await mkdtemp(join(tmpdir(), "flyby-alerts-"));
  const dir = join(parent, "alerts");
  try {
    await writeAtomically(dir, files);
    return await use(dir);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/** The generated manifest sits in manifests/ by design; it replaces only a file under its header. */
const stackManifestRules: OutputFileRules = {
  display: stackManifestPath,
  what: "the generated alerting manifest (its first line is the generated header)",
  ours: (text) => text.startsWith(stackManifestHeader),
};

/**
 * Writes an alerts build into `out` (shown as `display`) and the alerting manifest under
 * `root`, after checking that both may be replaced, so a refusal writes neither.
 */
export async function publishAlertsBuild(
  root: string,
  out: string,
  display: string,
  files: ReadonlyMap<string, string>,
  manifest: string,
): Promise<void> {
  const outRules = { display, cwd: root };
  const stackPath = join(root, stackManifestPath);
  checkOutputFolder(out, outRules);
  checkOutputFile(stackPath, stackManifestRules);
  await writeAtomically(out, files, outRules);
  writeOutputFile(stackPath, manifest, stackManifestRules);
}
