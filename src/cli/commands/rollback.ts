import { deployOutcome } from "../../app/release.ts";
import { rollbackRelease } from "../../app/rollback.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { UsageError } from "../../core/errors.ts";
import { flag, requiredString, stringOption } from "../../core/options.ts";
import { bundleFile, deployDeps } from "../../wiring/release.ts";
import { environmentAt } from "../../wiring/world.ts";
import type { CommandImplementation } from "../command.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { releaseSettings } from "./release-options.ts";

export const rollbackImplementation: CommandImplementation = {
  async run(ctx) {
    const environment = requiredString(ctx, "env", "E");
    const { production } = environmentAt(ctx.cwd, environment);
    const file = stringOption(ctx, "to");
    if (flag(ctx, "previous") === (file !== undefined))
      throw new UsageError("give exactly one of --previous or --to BUNDLE");
    const to = file ? { bundle: bundleFile(ctx, file), file } : undefined;
    const reason = stringOption(ctx, "reason");
    const { target, rollback: outcome } = await rollbackRelease(
      { environment, production, ...(to ? { to } : {}), ...(reason ? { reason } : {}) },
      deployDeps(releaseSettings(ctx)),
    );
    if (ctx.out.json)
      ctx.out.stdout(
        `${JSON.stringify({ bundle: target.payload.bundle, rollback: outcomeJson(outcome) })}\n`,
      );
    else reportOutcome(ctx, `rollback to ${shortHash(target.payload.bundle)}`, outcome);
    return deployOutcome(outcome);
  },
};
