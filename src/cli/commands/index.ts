import type { Command } from "../command.ts";
import { bundleCommand } from "./bundle.ts";
import { diffCommand } from "./diff.ts";
import { planCommand } from "./plan.ts";
import { renderCommand } from "./render.ts";
import { smokeCommand } from "./smoke.ts";
import { validateCommand } from "./validate.ts";

export const commands: readonly Command[] = [
  renderCommand,
  validateCommand,
  diffCommand,
  planCommand,
  smokeCommand,
  bundleCommand,
];
