import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import type { ApplyOptions, ApplyTarget, KindRef } from "../apply/port.ts";
import { ApiFailure } from "../apply/port.ts";
import { type KubeObject, keyOf, type ObjectRef, refKey } from "../core/kube/object.ts";
import { renderToFiles } from "../core/render/output.ts";
import { parseUserYaml } from "../core/yaml/user-yaml.ts";
import { outputMarker } from "./output-folder.ts";

function filesUnder(root: string): string[] {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk(root);
  return out;
}

/**
 * A folder of hydrated manifests as an apply target: one file per object (the `render --out`
 * layout). Writes are staged in memory and `commit()` replaces the folder whole, so a failed
 * run leaves it as it was; pruning an object removes its file. The injected writer decides
 * whether the folder may be replaced at all (see writeOutputFolder).
 */
export class DirApplyTarget implements ApplyTarget {
  readonly name: string;
  private readonly objects = new Map<string, KubeObject>();
  private readonly others = new Map<string, string>();
  private dirty = false;

  constructor(
    private readonly root: string,
    private readonly writeDirectory: (target: string, files: ReadonlyMap<string, string>) => void,
    displayName: string,
  ) {
    this.name = `dir:${displayName}`;
    for (const path of filesUnder(root)) {
      const rel = relative(root, path);
      // The marker is the writer's: it writes a new one with every commit.
      if (rel === outputMarker) continue;
      const text = readFileSync(path, "utf8");
      if (!/\.ya?ml$/.test(rel)) {
        this.others.set(rel, text);
        continue;
      }
      const doc = parseUserYaml(join(displayName, rel), text).data as KubeObject | null;
      if (doc && typeof doc === "object" && doc.kind && doc.metadata?.name) this.objects.set(keyOf(doc), doc);
      else this.others.set(rel, text);
    }
  }

  async list(kind: KindRef, namespace: string | undefined): Promise<KubeObject[]> {
    return [...this.objects.values()].filter(
      (o) => o.apiVersion === kind.apiVersion && o.kind === kind.kind && o.metadata.namespace === namespace,
    );
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.objects.get(refKey(ref));
  }

  async apply(object: KubeObject, options: ApplyOptions): Promise<KubeObject> {
    if (!options.dryRun) {
      this.objects.set(keyOf(object), object);
      this.dirty = true;
    }
    return object;
  }

  async delete(ref: ObjectRef, options: { readonly dryRun: boolean }): Promise<void> {
    if (!this.objects.has(refKey(ref)))
      throw new ApiFailure(404, "NotFound", `${ref.kind} "${ref.name}" not found`);
    if (!options.dryRun) {
      this.objects.delete(refKey(ref));
      this.dirty = true;
    }
  }

  async commit(): Promise<void> {
    if (!this.dirty) return;
    const files = renderToFiles(
      [...this.objects.values()].map((object) => ({ object, source: { file: this.root } })),
    );
    for (const [rel, text] of this.others) files.set(rel, text);
    this.writeDirectory(this.root, files);
    this.dirty = false;
  }
}
