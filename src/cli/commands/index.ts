import { alertsBuild, alertsCheck, alertsTest } from "./alerts.ts";

export const commands: import("../command.ts").Command[] = [alertsBuild, alertsCheck, alertsTest];
