import { UsageError } from "../../core/errors.ts";
import type { Environment } from "../../core/manifests/environments.ts";
import { environmentAt } from "../../wiring/world.ts";
import type { CommandContext } from "../command.ts";

/** Whether the command runs on every cluster of the environment (`--gke env`). */
export function fleetRequested(ctx: CommandContext): boolean {
  const given = ctx.options.gke;
  const values = Array.isArray(given) ? given : typeof given === "string" ? [given] : [];
  if (values.length === 0) return false;
  if (values.some((v) => v !== "env")) {
    throw new UsageError(
      `--gke takes "env" here (every cluster of the environment), not "${values.join(", ")}"`,
    );
  }
  if (ctx.options.context !== undefined) throw new UsageError("--gke env does not go with --context");
  return true;
}

export function environmentOf(ctx: CommandContext, name: string): Environment {
  return environmentAt(ctx.cwd, name);
}
