import { join } from "node:path";
import { readBundleFile } from "../../adapters/bundle-sources.ts";
import { gitLine } from "../../adapters/git.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { promoteRelease } from "../../app/release.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { deployDeps } from "./release-options.ts";

/** The tag being released and its commit: flags, else the tag the workflow runs for. */
function releaseTag(ctx: CommandContext): { tag: string; commit: string } {
  const fromRef = ctx.env.GITHUB_REF_TYPE === "tag" ? ctx.env.GITHUB_REF_NAME : undefined;
  const tag = stringOption(ctx, "tag") ?? fromRef;
  if (!tag) throw new UsageError("no tag: pass --tag vX.Y.Z (a tag workflow sets GITHUB_REF_NAME)");
  const given = stringOption(ctx, "commit") ?? (tag === fromRef ? ctx.env.GITHUB_SHA : undefined);
  if (given) {
    if (!/^[0-9a-f]{40}$/.test(given))
      throw new UsageError(`--commit "${given}" is not a full 40-hex commit id`);
    return { tag, commit: given };
  }
  const commit = gitLine(ctx.cwd, ["rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`]);
  if (!commit) {
    throw new InputError(`the tag ${tag} does not exist in this checkout`, undefined, "--tag");
  }
  return { tag, commit };
}

export const promoteImplementation: CommandImplementation = {
  async run(ctx) {
    const file = stringOption(ctx, "bundle");
    const to = requiredString(ctx, "to", "E");
    const given = file ? readBundleFile(userPath(ctx, file), file) : undefined;
    const { tag, commit } = releaseTag(ctx);
    const out = await promoteRelease(
      { to, tag, commit, ...(given && file ? { given: { bundle: given, file } } : {}) },
      { manifests: loadManifestTree(join(ctx.cwd, "manifests")), deps: () => deployDeps(ctx) },
    );
    const bundle = out.source;
    if (ctx.out.json) {
      ctx.out.stdout(
        `${JSON.stringify({ bundle: out.promoted.sha256, promotedFrom: bundle.sha256, deploy: outcomeJson(out.deploy), rollback: outcomeJson(out.rollback) })}\n`,
      );
    } else if (!out.deploy) {
      ctx.out.stdout(`${to} already runs ${shortHash(out.promoted.sha256)} (${tag}); nothing applied\n`);
    } else {
      reportOutcome(ctx, `promote ${tag} ${shortHash(out.promoted.sha256)}`, out.deploy);
      if (out.rollback) reportOutcome(ctx, "rollback", out.rollback);
    }
    return out.outcome;
  },
};
