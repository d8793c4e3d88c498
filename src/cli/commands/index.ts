import type { Command } from "../command.ts";
import { alertsBuild, alertsCheck, alertsTest } from "./alerts.ts";
import { applyCommand } from "./apply.ts";
import { diffCommand } from "./diff.ts";
import { planCommand } from "./plan.ts";
import { receiverServe } from "./receiver.ts";
import { renderCommand } from "./render.ts";
import { smokeCommand } from "./smoke.ts";
import { validateCommand } from "./validate.ts";

export const commands: readonly Command[] = [
  renderCommand,
  validateCommand,
  diffCommand,
  planCommand,
  smokeCommand,
  alertsBuild,
  alertsCheck,
  alertsTest,
  receiverServe,
  applyCommand,
];
