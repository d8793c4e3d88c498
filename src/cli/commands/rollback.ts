import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { readBundleFile } from "../../bundle/sources.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { loadEnvironments } from "../../core/manifests/environments.ts";
import { deploymentOfBundle, previousDeployment, rollbackTo } from "../../promote/rollback.ts";
import type { Command } from "../command.ts";
import { flag, requiredString, stringOption, userPath } from "../options.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { deployDeps, githubOptions, targetOptions } from "./release-options.ts";

export const rollbackCommand: Command = {
  name: "rollback",
  summary: "Re-apply an earlier successful bundle of an environment, recorded as a rollback Deployment",
  synopsis: "rollback --env E (--previous | --to BUNDLE) [target flags] (--prometheus URL | --via-cluster)",
  details: `
--previous returns to the newest successful deployment whose bundle differs from the one
running now; --to takes a bundle file that once ran successfully in the environment. The
rollback is a Deployment like any other (payload kind "rollback"), so status and later
promotions see it as what runs.
Exit 0 rolled back and smoke passed, 1 apply or smoke failed, 2 nothing to roll back to.`,
  options: {
    env: { type: "string", valueName: "E", description: "the environment" },
    previous: { type: "boolean", description: "roll back to the bundle before the current one" },
    to: {
      type: "string",
      valueName: "BUNDLE",
      description: "a bundle file that once ran in the environment",
    },
    reason: { type: "string", valueName: "TEXT", description: "why (kept in the Deployment's payload)" },
    ...targetOptions,
    ...githubOptions,
  },
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
    return outcome.state === "success" ? ExitCode.Ok : ExitCode.NotClean;
  },
};
