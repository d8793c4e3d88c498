import { join } from "node:path";
import { readBundleFile } from "../../adapters/bundle-sources.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { promoteRelease } from "../../app/release.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import { deployDeps, releaseTag } from "../../wiring/release.ts";
import type { CommandImplementation } from "../command.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { releaseSettings } from "./release-options.ts";

export const promoteImplementation: CommandImplementation = {
  async run(ctx) {
    const file = stringOption(ctx, "bundle");
    const to = requiredString(ctx, "to", "E");
    const given = file ? readBundleFile(userPath(ctx, file), file) : undefined;
    const { tag, commit } = releaseTag(ctx);
    const out = await promoteRelease(
      { to, tag, commit, ...(given && file ? { given: { bundle: given, file } } : {}) },
      {
        manifests: loadManifestTree(join(ctx.cwd, "manifests")),
        deps: () => deployDeps(releaseSettings(ctx)),
      },
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
