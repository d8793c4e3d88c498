import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { InputError } from "../core/errors.ts";
import type { KubeObject } from "../core/kube/object.ts";
import { checkYamlSize, parseUserYamlDocuments } from "../core/yaml/user-yaml.ts";

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses the Kubernetes objects in one YAML or JSON text (multi-document, `kind: List` expanded). */
export function parseObjects(file: string, text: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const { data, line } of parseUserYamlDocuments(file, text)) {
    const items = isObj(data) && data.kind === "List" && Array.isArray(data.items) ? data.items : [data];
    for (const item of items) {
      if (!isObj(item) || typeof item.kind !== "string" || typeof item.apiVersion !== "string") {
        throw new InputError("not a Kubernetes object (apiVersion and kind are required)", { file, line });
      }
      if (!isObj(item.metadata) || typeof item.metadata.name !== "string") {
        throw new InputError(`the ${item.kind} has no name`, { file, line }, "metadata.name");
      }
      out.push(item as unknown as KubeObject);
    }
  }
  return out;
}

const unreadable: Record<string, string> = {
  ENOENT: "it is a symbolic link to nothing",
  ELOOP: "its symbolic links form a loop",
  EISDIR: "it is a folder",
  EACCES: "permission denied",
};

/** A file's text; a link to nothing, a link loop or an unreadable file is bad input naming it. */
function readObjectsFile(full: string, file: string): string {
  try {
    // Refuse a huge file before reading it into memory.
    checkYamlSize(file, statSync(full).size);
    return readFileSync(full, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === undefined) throw e;
    throw new InputError(
      `cannot read the file: ${unreadable[code] ?? "it cannot be read"} (${code})`,
      { file },
      "--against",
    );
  }
}

/** Every object in a folder of hydrated manifests (`*.yaml`, `*.yml`, `*.json`, read recursively). */
export function readHydratedDir(root: string, display = root): KubeObject[] {
  try {
    if (!statSync(root).isDirectory()) throw new Error("not a directory");
  } catch {
    throw new InputError(`the folder ${display} does not exist`, { file: display }, "--against");
  }
  const out: KubeObject[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.(ya?ml|json)$/.test(entry.name)) {
        const file = join(display, relative(root, full));
        out.push(...parseObjects(file, readObjectsFile(full, file)));
      }
    }
  };
  visit(root);
  return out;
}
