import type Handlebars from "handlebars";
import { InputError } from "../errors.ts";

interface ImageRef {
  repository: string;
  tag?: string;
  digest?: string;
}

/** `repository@digest` when pinned, else `repository:tag`. */
export function imageReference(img: ImageRef): string {
  if (img.digest) return `${img.repository}@${img.digest}`;
  return `${img.repository}:${img.tag}`;
}

/** The longest list `range` makes: a template that loops further is a mistake or an attack. */
export const maxRange = 10_000;

/**
 * The helpers templates may call. Values are inserted raw (YAML is not HTML), so
 * anything that is not a plain word goes through `json`, which writes a YAML-safe scalar.
 */
export function templateHelpers(
  readFile: (path: string) => string | undefined,
  listFiles: (dir: string, suffix: string) => readonly string[],
): Record<string, Handlebars.HelperDelegate> {
  return {
    json: (value: unknown) => JSON.stringify(value ?? null),
    image: (img: ImageRef) => JSON.stringify(imageReference(img)),
    /** Text of a file under manifests/, e.g. a dashboard. */
    file(path: string, options: Handlebars.HelperOptions) {
      const text = readFile(path);
      if (text === undefined) {
        const loc = (options as unknown as { loc?: { start: { line: number } } }).loc;
        // The template set fills in which template this is.
        throw new InputError(`file "${path}" (asked for by the "file" helper) does not exist`, {
          file: "",
          ...(loc ? { line: loc.start.line } : {}),
        });
      }
      return text;
    },
    /** The files under a folder of manifests/ as `{name, text}`, sorted by name. */
    files: (dir: string, suffix: string) =>
      listFiles(dir, suffix).map((path) => ({
        name: path.slice(path.lastIndexOf("/") + 1),
        text: readFile(path),
      })),
    /** A short, stable digest of a text (sha256, 16 hex digits), e.g. to roll pods when a config changes. */
    checksum: (text: string) =>
      new Bun.CryptoHasher("sha256").update(String(text)).digest("hex").slice(0, 16),
    /** `concat "svc-" 1` → "svc-1". */
    concat: (...args: unknown[]) => args.slice(0, -1).join(""),
    /** `range 3` → [0, 1, 2]; at most `maxRange` items. */
    range(n: number) {
      if (!Number.isInteger(n) || n < 0 || n > maxRange) {
        throw new Error(`range takes a whole number from 0 to ${maxRange}, not ${JSON.stringify(n)}`);
      }
      return Array.from({ length: n }, (_, i) => i);
    },
    /** `array "a" "b"` → ["a", "b"] (the last argument is Handlebars' options). */
    array: (...args: unknown[]) => args.slice(0, -1),
    /** A Kubernetes label key as Prometheus service discovery spells it. */
    labelName: (key: string) => key.replace(/[^a-zA-Z0-9_]/g, "_"),
    /** Resources with the GPU request and limit added. */
    gpuResources(
      resources: { requests: object; limits: object },
      gpu: { count: number; resourceName: string },
    ) {
      if (gpu.count === 0) return resources;
      const extra = { [gpu.resourceName]: gpu.count };
      return { requests: { ...resources.requests, ...extra }, limits: { ...resources.limits, ...extra } };
    },
    /** Indents every line of a text, for block scalars. */
    indent: (spaces: number, text: string) =>
      String(text)
        .split("\n")
        .map((l) => (l.length ? " ".repeat(spaces) + l : l))
        .join("\n"),
    eq: (a: unknown, b: unknown) => a === b,
    join: (list: readonly unknown[], sep: string) => list.join(typeof sep === "string" ? sep : ","),
  };
}
