import { promoteRelease } from "../../app/release.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { requiredString, stringOption } from "../../core/options.ts";
import { bundleFile, deployDeps, releaseTag } from "../../wiring/release.ts";
import { repositoryManifests } from "../../wiring/repository.ts";
import type { CommandImplementation } from "../command.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { releaseSettings } from "./release-options.ts";

export const promoteImplementation: CommandImplementation = {
  async run(ctx) {
    const file = stringOption(ctx, "bundle");
    const to = requiredString(ctx, "to", "E");
    const given = file ? bundleFile(ctx, file) : undefined;
    const { tag, commit } = releaseTag(ctx);
    const out = await promoteRelease(
      { to, tag, commit, ...(given && file ? { given: { bundle: given, file } } : {}) },
      {
        manifests: repositoryManifests(ctx.cwd),
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
