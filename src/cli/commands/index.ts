import { smokeCommand } from "./smoke.ts";

export const commands: import("../command.ts").Command[] = [smokeCommand];
