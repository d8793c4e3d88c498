import { readFileSync } from "node:fs";
import { type Bundle, decodeBundle, isCommit } from "../bundle/bundle.ts";
import { EnvironmentError, InputError, UsageError } from "../core/errors.ts";
import { gitLine } from "./git.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The commit a bundle is built from: --commit, else GITHUB_SHA, else the checkout's HEAD. */
export function sourceCommit(cwd: string, env: Env, given: string | undefined): string {
  const commit = given ?? env.GITHUB_SHA ?? gitHead(cwd);
  if (!commit) throw new UsageError("no commit: pass --commit SHA (or run inside a git checkout)");
  if (!isCommit(commit)) throw new UsageError(`--commit "${commit}" is not a full 40-hex commit id`);
  return commit;
}

function gitHead(cwd: string): string | undefined {
  return gitLine(cwd, ["rev-parse", "HEAD"]);
}

export function readBundleFile(path: string, shown: string): Bundle {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new InputError("the bundle file does not exist", { file: shown });
    throw new EnvironmentError(`could not read ${shown}: ${(e as Error).message}`);
  }
  return decodeBundle(text, shown);
}
