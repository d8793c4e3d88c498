import { commentStep } from "../../src/action/comment.ts";
import { runAction } from "../../src/action/run.ts";

await runAction("comment", commentStep);
