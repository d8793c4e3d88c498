import { shortHash } from "../../bundle/bundle.ts";
import { readBundleFile } from "../../bundle/sources.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { type DeployOutcome, deployAndVerify } from "../../promote/deploy.ts";
import type { Command, CommandContext } from "../command.ts";
import { requiredString, userPath } from "../options.ts";
import { deployDeps, githubOptions, targetOptions } from "./release-options.ts";

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

export const deployCommand: Command = {
  name: "deploy",
  summary: "Apply a bundle to its environment, smoke-check it and record the GitHub Deployment",
  synopsis: "deploy --bundle FILE [target flags] (--prometheus URL | --via-cluster)",
  details: `
What staging runs on every merge: records a Deployment for the bundle's environment (payload:
the bundle's sha256 and commit), applies the bundle with prune and wait, runs the smoke checks
and sets the Deployment's status to success or failure with the reason. A successful staging
Deployment is what makes a bundle promotable.
Needs GITHUB_TOKEN and GITHUB_REPOSITORY. Exit 0 success, 1 apply or smoke failed, 2 bad
bundle, 3 GitHub or the cluster unreachable, or another deploy of the environment running.`,
  options: {
    bundle: { type: "string", valueName: "FILE", description: "the bundle to deploy" },
    ...targetOptions,
    ...githubOptions,
  },
  async run(ctx) {
    const file = requiredString(ctx, "bundle", "FILE");
    const bundle = readBundleFile(userPath(ctx, file), file);
    const deps = deployDeps(ctx);
    const outcome = await deployAndVerify(deps, bundle, bundle.content.commit);
    reportOutcome(ctx, `deploy ${shortHash(bundle.sha256)}`, outcome);
    if (ctx.out.json)
      ctx.out.stdout(`${JSON.stringify({ bundle: bundle.sha256, deploy: outcomeJson(outcome) })}\n`);
    return outcome.state === "success" ? ExitCode.Ok : ExitCode.NotClean;
  },
};
