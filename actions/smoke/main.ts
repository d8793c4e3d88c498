import { runAction } from "../../src/action/run.ts";
import { smokeStep } from "../../src/action/smoke.ts";

await runAction("smoke", smokeStep);
