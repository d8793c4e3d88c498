import { InputError } from "../core/errors.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { gitOutput } from "./git.ts";

function git(repo: string, args: string[], input?: string): Buffer {
  const out = gitOutput(repo, args, input);
  if (out === undefined) throw new Error(`git ${args[0]} failed`);
  return out;
}

/**
 * Reads manifests/ as it is at a git ref, straight from the object database (`git ls-tree` and
 * `git cat-file --batch`): no checkout, the working tree is never touched. `option` is the
 * command-line option the ref came from, which errors about the ref name.
 */
export function readGitTree(repo: string, ref: string, option = "--against"): ManifestTree {
  const folder = "manifests";
  let commit: string;
  try {
    commit = git(repo, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])
      .toString()
      .trim();
  } catch {
    throw new InputError(`cannot read git ref "${ref}": no such commit in ${repo}`, undefined, option);
  }
  const listing = git(repo, ["ls-tree", "-r", "-z", commit, "--", `${folder}/`]).toString();
  const entries = listing
    .split("\0")
    .filter(Boolean)
    .map((line) => {
      const [info = "", path = ""] = line.split("\t");
      const [, type, sha] = info.split(" ");
      return { type, sha: sha ?? "", path };
    })
    .filter((e) => e.type === "blob");
  if (entries.length === 0) {
    throw new InputError(`git ref "${ref}" has no ${folder}/ folder`, undefined, option);
  }
  const out = git(repo, ["cat-file", "--batch"], `${entries.map((e) => e.sha).join("\n")}\n`);
  const files = new Map<string, string>();
  let offset = 0;
  for (const e of entries) {
    const headerEnd = out.indexOf(0x0a, offset);
    const size = Number(out.subarray(offset, headerEnd).toString().split(" ")[2]);
    files.set(
      e.path.slice(folder.length + 1),
      out.subarray(headerEnd + 1, headerEnd + 1 + size).toString("utf8"),
    );
    offset = headerEnd + 1 + size + 1;
  }
  return { files, displayRoot: `${folder}@${ref}` };
}
