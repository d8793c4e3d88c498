import { promoteStep } from "../../src/action/promote.ts";
import { runAction } from "../../src/action/run.ts";

await runAction("promote", promoteStep);
