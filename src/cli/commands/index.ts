import type { Command } from "../command.ts";
import { renderCommand } from "./render.ts";

export const commands: readonly Command[] = [renderCommand];
