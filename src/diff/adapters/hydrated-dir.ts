import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { LineCounter, parseAllDocuments } from "yaml";
import { InputError } from "../../core/errors.ts";
import type { KubeObject } from "../../core/kube/object.ts";

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses the Kubernetes objects in one YAML or JSON text (multi-document, `kind: List` expanded). */
export function parseObjects(file: string, text: string): KubeObject[] {
  const lineCounter = new LineCounter();
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter, prettyErrors: false })) {
    const err = doc.errors[0];
    if (err) {
      const pos = lineCounter.linePos(err.pos[0]);
      throw new InputError(`invalid YAML: ${err.message.split("\n")[0]}`, {
        file,
        line: pos.line,
        column: pos.col,
      });
    }
    const data = doc.toJS() as unknown;
    if (data === null || data === undefined) continue;
    const line = lineCounter.linePos(doc.range[0]).line;
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
        out.push(...parseObjects(join(display, relative(root, full)), readFileSync(full, "utf8")));
      }
    }
  };
  visit(root);
  return out;
}
