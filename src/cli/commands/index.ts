export const commands: import("../command.ts").Command[] = [];
