import { parseAllDocuments } from "yaml";
import { InputError } from "../errors.ts";
import { isClusterScoped, stageOf } from "../kube/kinds.ts";
import { namespaceProblem, objectNameProblem } from "../kube/names.ts";
import type { KubeObject, RenderedObject } from "../kube/object.ts";
import type { SourceLocation } from "../location.ts";
import { type Environment, type Environments, loadEnvironments } from "../manifests/environments.ts";
import { displayPath, filesUnder, ManifestPaths, type ManifestTree } from "../manifests/tree.ts";
import { loadValues, type Values } from "../manifests/values.ts";
import { findDuplicateKey } from "../yaml/duplicate-keys.ts";
import { locateLine } from "../yaml/locate-line.ts";
import { templateHelpers } from "./helpers.ts";
import { createTemplateSet, type TemplateOutput } from "./template.ts";

export interface RenderResult {
  readonly environment: Environment;
  readonly values: Values;
  /** Objects the environment owns, in apply order. */
  readonly objects: readonly RenderedObject[];
}

/** What every template sees. */
export interface TemplateContext {
  readonly env: {
    readonly name: string;
    readonly namespace: string;
    readonly namespaces: readonly string[];
  };
  readonly environments: readonly { readonly name: string; readonly namespace: string }[];
  readonly values: Values;
}

function yamlErrorAt(docText: string): { line: number; message: string } | undefined {
  const [doc] = parseAllDocuments(docText, { prettyErrors: false });
  if (!doc || !("errors" in doc)) return undefined;
  const err = doc.errors[0];
  if (!err) return undefined;
  const line = docText.slice(0, err.pos[0]).split("\n").length;
  return {
    line,
    message: (err.message.split("\n")[0] ?? err.message).replace(/ at line \d+, column \d+:?$/, ""),
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

interface RenderedDocument {
  readonly lines: readonly string[];
  readonly where: (i: number) => SourceLocation;
}

/** Splits rendered lines into documents at `---`, leaving out empty ones. */
function splitDocuments(out: TemplateOutput): RenderedDocument[] {
  const docs: RenderedDocument[] = [];
  let start = 0;
  const flush = (end: number) => {
    let first = start;
    while (first < end && /^\s*(#.*)?$/.test(out.lines[first] as string)) first++;
    if (first === end) return;
    const source = out.sources[first] as SourceLocation;
    docs.push({ lines: out.lines.slice(first, end), where: (i) => out.sources[first + i] ?? source });
  };
  out.lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(out.lines.length);
  return docs;
}

/**
 * Decodes a template's documents with Bun.YAML: all at once, which is fastest; when that
 * fails, one by one, to name the document and line at fault.
 */
function parseDocuments(docs: readonly RenderedDocument[]): unknown[] {
  try {
    const all = Bun.YAML.parse(docs.map((d) => d.lines.join("\n")).join("\n---\n"));
    if (docs.length === 1) return [all];
    if (Array.isArray(all) && all.length === docs.length) return all;
  } catch {
    // Fall through to find the document at fault.
  }
  return docs.map((doc) => {
    const text = doc.lines.join("\n");
    try {
      return Bun.YAML.parse(text);
    } catch {
      const err = yamlErrorAt(text);
      throw new InputError(
        `the template renders invalid YAML: ${err?.message ?? "it does not parse"}; the rendered line reads ${JSON.stringify((doc.lines[(err?.line ?? 1) - 1] ?? "").trim())}`,
        doc.where((err?.line ?? 1) - 1),
      );
    }
  });
}

/** Checks a decoded document is an object flyby can place: kind, name, and a namespace where one is needed. */
function toRenderedObject(doc: RenderedDocument, data: unknown): RenderedObject {
  const source = doc.where(0);
  const dup = findDuplicateKey(doc.lines);
  if (dup) {
    const firstAt = doc.where(dup.firstLine);
    throw new InputError(
      `duplicate key "${dup.key}" (first written at ${firstAt.file}:${firstAt.line}): a key may appear only once in a mapping`,
      doc.where(dup.line),
    );
  }
  if (!isObject(data))
    throw new InputError("a rendered document is not a Kubernetes object (a YAML mapping)", source);
  for (const field of ["apiVersion", "kind"] as const) {
    if (typeof data[field] !== "string" || data[field] === "") {
      throw new InputError(`the object has no ${field}`, source, field);
    }
  }
  const meta = data.metadata;
  if (!isObject(meta) || typeof meta.name !== "string" || meta.name === "") {
    throw new InputError(`the ${data.kind} has no name`, source, "metadata.name");
  }
  const kind = data.kind as string;
  if (isClusterScoped(kind) && meta.namespace !== undefined) {
    throw new InputError(
      `${kind} "${meta.name}" is cluster-scoped and must not set a namespace`,
      source,
      "metadata.namespace",
    );
  }
  if (!isClusterScoped(kind) && (typeof meta.namespace !== "string" || meta.namespace === "")) {
    throw new InputError(
      `${kind} "${meta.name}" has no namespace; flyby needs every namespaced object to say where it goes`,
      source,
      "metadata.namespace",
    );
  }
  const locate = (path: readonly (string | number)[]) => doc.where(locateLine(doc.lines, path));
  checkNames(kind, meta.name, meta.namespace, locate);
  return { object: data as unknown as KubeObject, source, locate };
}

/**
 * Refuses a name or namespace the API server would refuse, before anything is written: a
 * name also becomes a file name under `render --out`, so it must not carry `/` or `..`.
 */
function checkNames(
  kind: string,
  name: string,
  namespace: unknown,
  locate: (path: readonly (string | number)[]) => SourceLocation,
): void {
  const nameWhy = objectNameProblem(kind, name);
  if (nameWhy) {
    throw new InputError(
      `${kind} name ${JSON.stringify(name)} is not a valid Kubernetes name: ${nameWhy}`,
      locate(["metadata", "name"]),
      "metadata.name",
    );
  }
  const namespaceWhy = typeof namespace === "string" ? namespaceProblem(namespace) : undefined;
  if (namespaceWhy) {
    throw new InputError(
      `${kind} "${name}" has namespace ${JSON.stringify(namespace)}, which is not a valid namespace name: ${namespaceWhy}`,
      locate(["metadata", "namespace"]),
      "metadata.namespace",
    );
  }
}

function decodeDocuments(out: TemplateOutput): RenderedObject[] {
  const docs = splitDocuments(out);
  const data = parseDocuments(docs);
  return docs.map((doc, i) => toRenderedObject(doc, data[i]));
}

function ownedBy(env: Environment, o: KubeObject): boolean {
  if (o.kind === "Namespace") return env.namespaces.includes(o.metadata.name);
  if (isClusterScoped(o.kind)) return env.clusterScoped;
  return env.namespaces.includes(o.metadata.namespace as string);
}

export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (
    stageOf(a.kind) - stageOf(b.kind) ||
    (a.metadata.namespace ?? "").localeCompare(b.metadata.namespace ?? "") ||
    a.kind.localeCompare(b.kind) ||
    a.metadata.name.localeCompare(b.metadata.name)
  );
}

export function templateContext(envs: Environments, env: Environment, values: Values): TemplateContext {
  return {
    env: { name: env.name, namespace: env.appNamespace, namespaces: env.namespaces },
    environments: envs.all.map((e) => ({ name: e.name, namespace: e.appNamespace })),
    values,
  };
}

/**
 * Renders one environment: its values, every template, then keeps the objects the
 * environment owns. Pure: the same tree and name give the same objects in the same order.
 */
export function renderEnvironment(tree: ManifestTree, envName: string): RenderResult {
  const envs = loadEnvironments(tree);
  const environment = envs.get(envName);
  const values = loadValues(tree, envs, environment);
  const set = createTemplateSet(
    templateHelpers(
      (p) => tree.files.get(p),
      (dir, suffix) => filesUnder(tree, dir, suffix),
    ),
  );
  for (const path of filesUnder(tree, ManifestPaths.partialsDir, ManifestPaths.partialSuffix)) {
    const name = path.slice(ManifestPaths.partialsDir.length, -ManifestPaths.partialSuffix.length);
    set.addPartial(name, displayPath(tree, path), tree.files.get(path) as string);
  }
  const context = templateContext(envs, environment, values);
  const objects: RenderedObject[] = [];
  for (const path of filesUnder(tree, ManifestPaths.templatesDir, ManifestPaths.templateSuffix)) {
    const render = set.compile(displayPath(tree, path), tree.files.get(path) as string);
    objects.push(...decodeDocuments(render(context)));
  }
  // Plain YAML (generated files such as alerting.generated.yaml) is read as it is: no
  // Handlebars, so Go templates in alert annotations stay untouched.
  for (const path of filesUnder(tree, ManifestPaths.templatesDir, ManifestPaths.plainSuffix)) {
    const file = displayPath(tree, path);
    const lines = (tree.files.get(path) as string).split("\n");
    objects.push(...decodeDocuments({ lines, sources: lines.map((_, i) => ({ file, line: i + 1 })) }));
  }
  const owned = objects.filter((r) => ownedBy(environment, r.object));
  owned.sort((a, b) => compareObjects(a.object, b.object));
  return { environment, values, objects: owned };
}
