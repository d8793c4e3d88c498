import { everyClusterAsked } from "../../app/every-cluster.ts";
import type { CommandContext } from "../command.ts";

/** Whether the command runs on every cluster of the environment (`--gke env`). */
export function fleetRequested(ctx: CommandContext): boolean {
  return everyClusterAsked(ctx.options.gke, ctx.options.context !== undefined, true);
}
