import type { Command } from "../command.ts";
import { alertsBuild, alertsCheck, alertsTest } from "./alerts.meta.ts";
import { applyCommand } from "./apply.meta.ts";
import { bundleCommand } from "./bundle.meta.ts";
import { dashboardsBuild } from "./dashboards.meta.ts";
import { deployCommand } from "./deploy.meta.ts";
import { diffCommand } from "./diff.meta.ts";
import { driftCommand } from "./drift.meta.ts";
import { environmentsCommand } from "./environments.meta.ts";
import { planCommand } from "./plan.meta.ts";
import { promoteCommand } from "./promote.meta.ts";
import { receiverServe } from "./receiver.meta.ts";
import { renderCommand } from "./render.meta.ts";
import { rollbackCommand } from "./rollback.meta.ts";
import { smokeCommand } from "./smoke.meta.ts";
import { statusCommand } from "./status.meta.ts";
import { validateCommand } from "./validate.meta.ts";

/**
 * Every command's metadata (name, help, options, defaults). Each one imports its
 * implementation only when it runs, so help and the parser load no libraries.
 */
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
  environmentsCommand,
];
