import { deployStep } from "../../src/action/deploy.ts";
import { runAction } from "../../src/action/run.ts";

await runAction("deploy", deployStep);
