import { deployBundleRelease } from "../../app/bundle-deploy.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { requiredString } from "../../core/options.ts";
import type { DeployOutcome } from "../../promote/deploy.ts";
import { bundleFile, deployDeps } from "../../wiring/release.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { releaseSettings } from "./release-options.ts";

/** One line per deployment outcome, for people; --json gives the same as data. */
export function reportOutcome(ctx: CommandContext, label: string, o: DeployOutcome): void {
  if (ctx.out.json) return;
  ctx.out.stdout(
    `${label} #${o.deployment.id} (${o.deployment.environment}, ${o.deployment.ref}): ${o.state}: ${o.reason}\n`,
  );
}

export function outcomeJson(o: DeployOutcome | undefined) {
  return (
    o && {
      deployment: o.deployment.id,
      environment: o.deployment.environment,
      state: o.state,
      reason: o.reason,
    }
  );
}

export const deployImplementation: CommandImplementation = {
  async run(ctx) {
    const bundle = bundleFile(ctx, requiredString(ctx, "bundle", "FILE"));
    const { deploy, outcome } = await deployBundleRelease({ bundle }, deployDeps(releaseSettings(ctx)));
    reportOutcome(ctx, `deploy ${shortHash(bundle.sha256)}`, deploy);
    if (ctx.out.json)
      ctx.out.stdout(`${JSON.stringify({ bundle: bundle.sha256, deploy: outcomeJson(deploy) })}\n`);
    return outcome;
  },
};
