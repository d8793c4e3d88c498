import { prContextStep } from "../../src/action/pr-context.ts";
import { runAction } from "../../src/action/run.ts";

await runAction("pr-context", prContextStep);
