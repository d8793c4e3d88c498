import { join } from "node:path";
import { readBundleFile } from "../../adapters/bundle-sources.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { deployOutcome } from "../../app/release.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { loadEnvironments } from "../../core/manifests/environments.ts";
import { flag, requiredString, stringOption, userPath } from "../../core/options.ts";
import { deploymentOfBundle, previousDeployment, rollbackTo } from "../../promote/rollback.ts";
import type { CommandImplementation } from "../command.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { deployDeps } from "./release-options.ts";

export const rollbackImplementation: CommandImplementation = {
  async run(ctx) {
    const environment = requiredString(ctx, "env", "E");
    const { production } = loadEnvironments(loadManifestTree(join(ctx.cwd, "manifests"))).get(environment);
    const file = stringOption(ctx, "to");
    if (flag(ctx, "previous") === (file !== undefined))
      throw new UsageError("give exactly one of --previous or --to BUNDLE");
    const deps = deployDeps(ctx);
    const records = await deps.ledger.list(environment);
    let target = previousDeployment(records);
    if (file) {
      const bundle = readBundleFile(userPath(ctx, file), file);
      target = deploymentOfBundle(records, bundle.sha256);
      if (!target) {
        throw new InputError(
          `${shortHash(bundle.sha256)} never ran successfully in ${environment}; only bundles that did can be rolled back to`,
          { file },
        );
      }
      await deps.store.put(bundle);
    }
    if (!target)
      throw new InputError(
        `${environment} has no earlier successful bundle to roll back to`,
        undefined,
        "--previous",
      );
    const outcome = await rollbackTo(deps, {
      environment,
      target,
      reason: stringOption(ctx, "reason") ?? `rollback by hand to #${target.id}`,
      productionEnvironment: production,
    });
    if (ctx.out.json)
      ctx.out.stdout(
        `${JSON.stringify({ bundle: target.payload.bundle, rollback: outcomeJson(outcome) })}\n`,
      );
    else reportOutcome(ctx, `rollback to ${shortHash(target.payload.bundle)}`, outcome);
    return deployOutcome(outcome);
  },
};
