import { receiverServe } from "./receiver.ts";

export const commands: import("../command.ts").Command[] = [receiverServe];
