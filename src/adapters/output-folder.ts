import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { InputError } from "../core/errors.ts";

/**
 * The file flyby leaves in every folder it writes. It lists the files of that write, and its
 * presence is what lets the next run replace the folder: flyby replaces a folder only when it
 * is missing, empty, or holds nothing but the files its marker lists.
 */
export const outputMarker = ".flyby-output";

/** Folders under the repository that flyby reads its inputs from; it never writes into them. */
export const inputFolders = ["manifests", "alerts", ".git"] as const;

export interface OutputRules {
  /** How the person named the path (shown in messages). */
  readonly display: string;
  /**
   * The folder the command runs in (the repository root). When set, the repository, its
   * ancestors and the folders flyby reads from are refused too.
   */
  readonly cwd?: string;
}

interface Marker {
  readonly files: readonly string[];
}

function markerText(files: readonly string[]): string {
  const marker = {
    writtenBy: "flyby",
    note: "flyby replaces this folder whole on its next write, as long as it holds only the files listed here. Delete this file to keep flyby from replacing the folder.",
    files,
  };
  return `${JSON.stringify(marker, null, 2)}\n`;
}

function readMarker(folder: string): Marker | undefined {
  try {
    const data = JSON.parse(readFileSync(join(folder, outputMarker), "utf8")) as Partial<Marker> & {
      writtenBy?: unknown;
    };
    if (data.writtenBy !== "flyby" || !Array.isArray(data.files)) return undefined;
    return { files: data.files.filter((f): f is string => typeof f === "string") };
  } catch {
    return undefined;
  }
}

/** The path with every symbolic link in its existing part resolved. */
function canonical(path: string): string {
  let head = resolve(path);
  const tail: string[] = [];
  while (!existsSync(head)) {
    const parent = dirname(head);
    if (parent === head) break;
    tail.unshift(basename(head));
    head = parent;
  }
  try {
    head = realpathSync(head);
  } catch {
    // Keep the path as given.
  }
  return join(head, ...tail);
}

function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

/** The nearest folder at or above `cwd` that holds `.git`, else `cwd` itself. */
function repositoryOf(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(join(dir, ".git"))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Every entry under `folder` (files, links, anything not a folder), as `/`-separated relative paths. */
function entriesUnder(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (lstatSync(path).isDirectory()) walk(path);
      else out.push(relative(folder, path).split(sep).join("/"));
    }
  };
  walk(folder);
  return out;
}

function listed(names: readonly string[]): string {
  const shown = names.slice(0, 5).join(", ");
  return names.length > 5 ? `${shown} and ${names.length - 5} more` : shown;
}

function refuse(rules: OutputRules, path: string, why: string): never {
  const shown = rules.display === path ? `"${path}"` : `"${rules.display}" (${path})`;
  throw new InputError(`refusing to write to ${shown}: ${why}`);
}

/** Refuses a path that is the repository, an ancestor of it, or in a folder flyby reads from. */
function checkPlace(path: string, rules: OutputRules, what: "folder" | "file"): void {
  if (!rules.cwd) return;
  const cwd = canonical(rules.cwd);
  const repo = repositoryOf(cwd);
  for (const root of new Set([repo, cwd])) {
    if (path === root) {
      refuse(
        rules,
        path,
        `it is the repository itself; flyby replaces its output ${what} whole, so give it a path of its own, such as out/`,
      );
    }
    if (isWithin(root, path)) {
      refuse(
        rules,
        path,
        `it is an ancestor of the repository (${root}); flyby replaces its output ${what} whole, so give it a path of its own, such as out/`,
      );
    }
  }
  for (const name of inputFolders) {
    const input = join(name === ".git" ? repo : cwd, name);
    if (isWithin(path, input)) {
      const where = path === input ? `it is ${name}/` : `it is inside ${name}/`;
      refuse(
        rules,
        path,
        `${where}, a folder flyby reads from; write the output somewhere else, such as out/`,
      );
    }
  }
}

/**
 * Checks that `target` may be replaced by a flyby output folder: it is missing, empty, or a
 * folder flyby wrote before that holds only the files its marker lists. Throws an InputError
 * (exit 2) that names the folder and says why otherwise.
 */
export function checkOutputFolder(target: string, rules: OutputRules): void {
  const path = canonical(target);
  checkPlace(path, rules, "folder");
  const stat = lstatOrUndefined(target);
  if (!stat) return;
  if (stat.isSymbolicLink()) refuse(rules, path, "it is a symbolic link; give the folder itself");
  if (!stat.isDirectory()) refuse(rules, path, "it is a file, not a folder");
  const top = readdirSync(target).sort();
  if (top.length === 0) return;
  const marker = readMarker(target);
  if (!marker) {
    // Only the top level is read: a foreign folder may be as large as a home folder.
    refuse(
      rules,
      path,
      `it holds files flyby did not write (${listed(top)}); flyby replaces only an empty or new folder, or one it wrote itself (with a ${outputMarker} file). Choose another folder, or empty this one first`,
    );
  }
  const ours = new Set([...marker.files, outputMarker]);
  const foreign = entriesUnder(target).filter((e) => !ours.has(e));
  if (foreign.length > 0) {
    refuse(
      rules,
      path,
      `it holds files flyby did not write (${listed(foreign)}); move them out of the folder, or choose another one`,
    );
  }
}

/** Joins a relative file name under `root`, proving it stays inside. */
function inside(root: string, rel: string, rules: OutputRules): string {
  const segments = rel.split(/[\\/]/);
  const path = resolve(root, rel);
  if (
    rel === "" ||
    isAbsolute(rel) ||
    rel.includes("\0") ||
    segments.some((s) => s === "" || s === "." || s === "..") ||
    segments[0] === outputMarker ||
    !path.startsWith(`${root}${sep}`)
  ) {
    throw new InputError(
      `refusing to write the file ${JSON.stringify(rel)} under "${rules.display}": its name would not stay inside that folder`,
    );
  }
  return path;
}

/**
 * Writes a whole folder or nothing: files go into a temporary sibling folder, which then
 * replaces the target with renames; a failure leaves the target as it was. Only a folder
 * `checkOutputFolder` allows is replaced, and the new one carries the marker.
 */
export function writeOutputFolder(
  target: string,
  files: ReadonlyMap<string, string>,
  rules: OutputRules,
): void {
  checkOutputFolder(target, rules);
  const parent = dirname(resolve(target));
  mkdirSync(parent, { recursive: true });
  const staging = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    for (const [rel, text] of files) {
      const path = inside(staging, rel, rules);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    writeFileSync(join(staging, outputMarker), markerText([...files.keys()].sort()));
    const old = `${staging}.old`;
    let moved = false;
    try {
      renameSync(target, old);
      moved = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    }
    try {
      renameSync(staging, target);
    } catch (e) {
      // Put the earlier output back where it was before reporting the failure.
      if (moved) renameSync(old, target);
      throw e;
    }
    if (moved) rmSync(old, { recursive: true, force: true });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

export interface OutputFileRules extends OutputRules {
  /** What flyby writes there, for the message: "a flyby bundle". */
  readonly what: string;
  /** Whether an existing file's text is one flyby wrote, so it may be replaced. */
  readonly ours: (existing: string) => boolean;
}

/**
 * Checks that `target` may be written as a flyby output file: it is missing, or a file
 * `rules.ours` recognises as one flyby wrote. Throws an InputError (exit 2) otherwise.
 */
export function checkOutputFile(target: string, rules: OutputFileRules): void {
  const path = canonical(target);
  checkPlace(path, rules, "file");
  const stat = lstatOrUndefined(target);
  if (stat?.isDirectory()) refuse(rules, path, "it is a folder; give the path of a file");
  if (stat && !stat.isFile() && !stat.isSymbolicLink()) refuse(rules, path, "it is not a regular file");
  if (stat) {
    let existing: string | undefined;
    try {
      existing = readFileSync(target, "utf8");
    } catch {
      existing = undefined;
    }
    if (existing === undefined || !rules.ours(existing)) {
      refuse(
        rules,
        path,
        `the file exists and is not ${rules.what}, so flyby did not write it; choose another path, or remove the file first`,
      );
    }
  }
}

/**
 * Writes a file whole or not at all (a temporary sibling, then a rename), and replaces an
 * existing file only when `checkOutputFile` allows it.
 */
export function writeOutputFile(target: string, text: string, rules: OutputFileRules): void {
  checkOutputFile(target, rules);
  mkdirSync(dirname(resolve(target)), { recursive: true });
  const tmp = join(dirname(resolve(target)), `.${basename(target)}.tmp-${process.pid}`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
