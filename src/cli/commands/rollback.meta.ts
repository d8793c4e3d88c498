import type { Command } from "../command.ts";
import { githubOptions, targetOptions } from "./release-options.meta.ts";

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
  load: () => import("./rollback.ts").then((m) => m.rollbackImplementation),
};
