import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { EnvironmentError, InputError } from "../core/errors.ts";
import { ExitCode } from "../core/exit-code.ts";
import { runAction } from "./run.ts";

function recorder() {
  const secrets: string[] = [];
  const failed: string[] = [];
  return {
    secrets,
    failed,
    io: { setSecret: (v: string) => secrets.push(v), setFailed: (m: string) => failed.push(m) },
  };
}

describe("runAction", () => {
  test("GIVEN a clean outcome THEN the step passes and the secrets in its environment are masked", async () => {
    const r = recorder();
    const env = { GRAFANA_ADMIN_PASSWORD: "s3cret-value", FLYBY_RECEIVER_TOKEN: "", OTHER: "x" };
    const code = await runAction("deploy", async () => ({ outcome: { changes: 0 } }), r.io, env);
    expect(code).toBe(ExitCode.Ok);
    expect(r.failed).toEqual([]);
    expect(r.secrets).toEqual(["s3cret-value"]);
  });

  test("GIVEN an outcome that is not clean THEN the exit policy fails the step with its message and code", async () => {
    const r = recorder();
    const code = await runAction(
      "smoke",
      async () => ({
        outcome: { checks: [{ passed: false }] },
        failure: (code: number) => `flyby smoke staging: 2 checks failed (exit ${code})`,
      }),
      r.io,
      {},
    );
    expect(code).toBe(ExitCode.NotClean);
    expect(r.failed).toEqual(["flyby smoke staging: 2 checks failed (exit 1)"]);
  });

  test("GIVEN no failure message THEN the step names the action and the exit code", async () => {
    const r = recorder();
    expect(await runAction("diff", async () => ({ outcome: { changes: 2 } }), r.io, {})).toBe(
      ExitCode.NotClean,
    );
    expect(r.failed).toEqual(["flyby diff: not clean (exit 1)"]);
  });

  test("GIVEN the body throws THEN the step fails with the message and the error's exit code", async () => {
    const r = recorder();
    const bad = await runAction("diff", () => Promise.reject(new InputError("bad --against")), r.io, {});
    const down = await runAction("diff", () => Promise.reject(new EnvironmentError("unreachable")), r.io, {});
    expect([bad, down]).toEqual([ExitCode.BadInput, ExitCode.EnvironmentFailed]);
    expect(r.failed).toEqual(["bad --against", "unreachable"]);
  });
});

describe("every action's main.ts", () => {
  const actionsDir = join(import.meta.dir, "../../actions");
  const actions = readdirSync(actionsDir).filter((name) => existsSync(join(actionsDir, name, "main.ts")));

  test("GIVEN the actions THEN each main.ts is the same three lines: import its step, import runAction, run it", () => {
    expect(actions.length).toBeGreaterThanOrEqual(6);
    for (const action of actions) {
      const step = `${action.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}Step`;
      const lines = readFileSync(join(actionsDir, action, "main.ts"), "utf8")
        .split("\n")
        .filter(Boolean);
      expect({ action, lines: lines.sort() }).toEqual({
        action,
        lines: [
          `await runAction("${action}", ${step});`,
          `import { ${step} } from "../../src/action/${action}.ts";`,
          `import { runAction } from "../../src/action/run.ts";`,
        ].sort(),
      });
    }
  });
});
