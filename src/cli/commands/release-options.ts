import { type Environment, loadEnvironments } from "../../core/manifests/environments.ts";
import { parseTarget, requiredString } from "../../core/options.ts";
import type { ReleaseSettings } from "../../wiring/release.ts";
import { repositoryManifests } from "../../wiring/repository.ts";
import type { CommandContext } from "../command.ts";

/**
 * --env (repeatable, default every environment of manifests/environments.yaml in promotion
 * order; each checked against it) and --format text|markdown.
 */
export function reportChoices(ctx: CommandContext): {
  environments: Environment[];
  format: "text" | "markdown";
} {
  const format = parseTarget(requiredString(ctx, "format", "F"), "format", [
    "text",
    "markdown",
  ] as const).scheme;
  const envs = loadEnvironments(repositoryManifests(ctx.cwd));
  const given = ctx.options.env as string[] | undefined;
  // Read even with --env: reading the chain checks it, and these reports follow it.
  const order = envs.promotionOrder;
  return { environments: given?.length ? given.map((e) => envs.get(e)) : [...order], format };
}

/** The release wiring's settings from a command's context: its options, and stderr for progress. */
export function releaseSettings(ctx: CommandContext): ReleaseSettings {
  return {
    options: ctx.options,
    workDir: ctx.workDir,
    cwd: ctx.cwd,
    env: ctx.env,
    progress: (line) => ctx.out.stderr(line.endsWith("\n") ? line : `${line}\n`),
  };
}
