import type { Command } from "../command.ts";
import { alertsBuild, alertsCheck, alertsTest } from "./alerts.ts";
import { planCommand } from "./plan.ts";
import { renderCommand } from "./render.ts";
import { validateCommand } from "./validate.ts";

export const commands: readonly Command[] = [
  renderCommand,
  validateCommand,
  planCommand,
  alertsBuild,
  alertsCheck,
  alertsTest,
];
