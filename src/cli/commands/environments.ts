import {
  clusterLabel,
  clusterRef,
  type Environment,
  loadEnvironments,
} from "../../core/manifests/environments.ts";
import { repositoryManifests } from "../../wiring/repository.ts";
import type { CommandImplementation } from "../command.ts";

/** The JSON the workflows build their matrices from; its shape is a contract. */
export function environmentsJson(order: readonly Environment[]) {
  return {
    environments: order.map((e) => ({
      name: e.name,
      promotesFrom: e.promotesFrom ?? null,
      production: e.production,
      clusters: e.clusters.map(clusterRef),
    })),
  };
}

function formatEnvironment(e: Environment): string {
  const from = e.promotesFrom ? ` ← ${e.promotesFrom}` : "";
  const production = e.production ? " (production)" : "";
  const clusters = e.clusters.map((c) => `  ${c.name}: ${clusterLabel(c)}\n`).join("");
  return `${e.name}${from}${production}\n${clusters}`;
}

export const environmentsImplementation: CommandImplementation = {
  async run(ctx) {
    const order = loadEnvironments(repositoryManifests(ctx.cwd)).promotionOrder;
    if (ctx.out.json) ctx.out.stdout(`${JSON.stringify(environmentsJson(order))}\n`);
    else ctx.out.stdout(order.map(formatEnvironment).join(""));
    return {};
  },
};
