import { readBundleFile } from "../../adapters/bundle-sources.ts";
import { deployOutcome } from "../../app/release.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { requiredString, userPath } from "../../core/options.ts";
import { type DeployOutcome, deployAndVerify } from "../../promote/deploy.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { deployDeps } from "./release-options.ts";

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
    const file = requiredString(ctx, "bundle", "FILE");
    const bundle = readBundleFile(userPath(ctx, file), file);
    const deps = deployDeps(ctx);
    const outcome = await deployAndVerify(deps, bundle, bundle.content.commit);
    reportOutcome(ctx, `deploy ${shortHash(bundle.sha256)}`, outcome);
    if (ctx.out.json)
      ctx.out.stdout(`${JSON.stringify({ bundle: bundle.sha256, deploy: outcomeJson(outcome) })}\n`);
    return deployOutcome(outcome);
  },
};
