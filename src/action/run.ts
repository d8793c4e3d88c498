import * as core from "@actions/core";
import * as github from "@actions/github";
import { exitCodeOf, exitCodeOfError } from "../app/exit-policy.ts";
import { ExitCode } from "../core/exit-code.ts";
import type { Outcome } from "../core/outcome.ts";

/** Values a step may hold in its environment that must never reach the log. */
const secretVariables = ["GRAFANA_ADMIN_USER", "GRAFANA_ADMIN_PASSWORD", "FLYBY_RECEIVER_TOKEN"];

/** What an action's body is given: its inputs, the workflow's context, and where it writes. */
export interface ActionStep {
  /** An input, or "" when it is not given. */
  input(name: string): string;
  /** An input the action cannot run without. */
  required(name: string): string;
  readonly core: typeof core;
  readonly context: typeof github.context;
}

/** What an action's body found, and the step's failure message when that is not clean. */
export interface StepResult {
  readonly outcome: Outcome;
  /** The message the step fails with, given the exit code the policy decided. */
  failure?(code: ExitCode): string;
}

/** The parts of @actions/core the edge itself uses; tests pass a recorder. */
export interface ActionIo {
  setSecret(value: string): void;
  setFailed(message: string): void;
}

/**
 * The one shape of every action's main.ts: mask the secrets, run the body, and let the exit
 * policy decide whether the step fails, exactly as the CLI does. A thrown error fails the step
 * with its own message, which names what was wrong.
 */
export async function runAction(
  name: string,
  body: (step: ActionStep) => Promise<StepResult>,
  io: ActionIo = core,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ExitCode> {
  for (const variable of secretVariables) if (env[variable]) io.setSecret(env[variable]);
  const step: ActionStep = {
    input: (input) => core.getInput(input),
    required: (input) => core.getInput(input, { required: true }),
    core,
    context: github.context,
  };
  try {
    const result = await body(step);
    const code = exitCodeOf(result.outcome);
    if (code !== ExitCode.Ok)
      io.setFailed(result.failure?.(code) ?? `flyby ${name}: not clean (exit ${code})`);
    return code;
  } catch (e) {
    io.setFailed(e instanceof Error ? e.message : String(e));
    return exitCodeOfError(e);
  }
}
