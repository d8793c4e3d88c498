import { diffStep } from "../../src/action/diff.ts";
import { runAction } from "../../src/action/run.ts";

await runAction("diff", diffStep);
