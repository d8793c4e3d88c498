import type { Command } from "../command.ts";
import { alertsBuild, alertsCheck, alertsTest } from "./alerts.ts";
import { applyCommand } from "./apply.ts";
import { bundleCommand } from "./bundle.ts";
import { dashboardsBuild } from "./dashboards.ts";
import { deployCommand } from "./deploy.ts";
import { diffCommand } from "./diff.ts";
import { driftCommand } from "./drift.ts";
import { planCommand } from "./plan.ts";
import { promoteCommand } from "./promote.ts";
import { receiverServe } from "./receiver.ts";
import { renderCommand } from "./render.ts";
import { rollbackCommand } from "./rollback.ts";
import { smokeCommand } from "./smoke.ts";
import { statusCommand } from "./status.ts";
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
  dashboardsBuild,
  receiverServe,
  applyCommand,
  bundleCommand,
  deployCommand,
  promoteCommand,
  rollbackCommand,
  statusCommand,
  driftCommand,
];
