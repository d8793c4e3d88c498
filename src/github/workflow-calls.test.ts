import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommandLine } from "../cli/main.ts";
import { repoRoot } from "../testing/cli.ts";
import {
  type ActionInput,
  actionInputs,
  checkCalls,
  flybyCommandLines,
  workflowCalls,
} from "./workflow-calls.ts";

const workflowsDir = join(repoRoot, ".github", "workflows");
const actionsDir = join(repoRoot, "actions");
const actionNames = readdirSync(actionsDir).sort();
const actionFile = (name: string) => join(actionsDir, name, "action.yml");
const declared = new Map(actionNames.map((n) => [n, actionInputs(readFileSync(actionFile(n), "utf8"))]));

/** Every workflow and composite action the repository ships, as [display path, text]. */
const shipped: [string, string][] = [
  ...readdirSync(workflowsDir)
    .filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"))
    .sort()
    .map((f): [string, string] => [`.github/workflows/${f}`, readFileSync(join(workflowsDir, f), "utf8")]),
  ...actionNames.map((n): [string, string] => [
    `actions/${n}/action.yml`,
    readFileSync(actionFile(n), "utf8"),
  ]),
];

describe("the workflows and actions call flyby as the CLI and the actions define it", () => {
  const found = shipped.map(([file, text]) => workflowCalls(file, text));

  test("every flyby command line parses with the CLI's own options, and every local action gets inputs it declares", () => {
    expect(checkCalls(found, declared, parseCommandLine)).toEqual([]);
  });

  test("the workflows do call flyby and the local actions (the check sees them)", () => {
    const commands = new Set(found.flatMap((f) => f.calls.map((c) => c.argv[0])));
    for (const c of ["environments", "plan", "bundle", "deploy", "status", "drift"])
      expect(commands).toContain(c);
    const used = new Set(found.flatMap((f) => f.uses.map((u) => u.action)));
    for (const a of ["diff", "promote", "smoke"]) expect(used).toContain(a);
  });

  test("action inputs are kebab-case, like GitHub's own actions", () => {
    const bad = [...declared].flatMap(([action, inputs]) =>
      [...inputs.keys()]
        .filter((n) => !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(n))
        .map((n) => `${action}: ${n}`),
    );
    expect(bad).toEqual([]);
  });

  test("each composite action hands every input to its step as INPUT_<NAME>, and reads only declared inputs", () => {
    const problems: string[] = [];
    for (const [action, inputs] of declared) {
      const yml = readFileSync(actionFile(action), "utf8");
      for (const m of yml.matchAll(/^\s+(INPUT_[A-Z0-9_-]+):\s*\$\{\{\s*inputs\.([a-z0-9-]+)\s*\}\}/gm)) {
        const [, variable, input] = m as unknown as [string, string, string];
        if (!inputs.has(input)) problems.push(`${action}: ${variable} reads undeclared input ${input}`);
        if (variable !== `INPUT_${input.toUpperCase()}`)
          problems.push(`${action}: ${variable} is not how @actions/core reads ${input}`);
      }
      const entry = join(actionsDir, action, "main.ts");
      // actions/setup is steps only; the others run a main.ts.
      const main = existsSync(entry) ? readFileSync(entry, "utf8") : "";
      for (const m of main.matchAll(/get(?:Boolean|Multiline)?Input\("([^"]+)"/g)) {
        if (!inputs.has(m[1] as string)) problems.push(`${action}/main.ts reads undeclared input ${m[1]}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test("no smoke input has a default that would override what the environment declares", () => {
    const smoke = declared.get("smoke") as ReadonlyMap<string, ActionInput>;
    for (const name of ["scrape-interval", "gpus", "dcgm"]) {
      expect({ name, default: smoke.get(name)?.default }).toEqual({ name, default: undefined });
    }
  });
});

describe("the check itself", () => {
  const workflow = `name: t
on: push
jobs:
  a:
    runs-on: ubuntu-24.04
    steps:
      - run: npx bun run flyby render --env staging --colour
      - name: multi
        run: |
          echo start
          sha=$(npx bun run flyby bundle --env staging \\
            --out bundle.json --sign)
          npx bun run flyby status --format markdown --title "staging run" >> "$GITHUB_STEP_SUMMARY"
      - uses: ./actions/smoke
        with:
          environment: staging
          prometheus: http://p
      - uses: ./actions/deploy
        with:
          target: cluster
      - uses: ./actions/nothing-here
`;

  test("an unknown flag, an unknown input, a missing required input and an unknown action are named with file:line", () => {
    const problems = checkCalls([workflowCalls("wf.yml", workflow)], declared, parseCommandLine);
    expect(problems).toEqual([
      `wf.yml:7: flyby render --env staging --colour: Unknown option '--colour'`,
      `wf.yml:11: flyby bundle --env staging --out bundle.json --sign: Unknown option '--sign'`,
      `wf.yml:17: ./actions/smoke has no input "prometheus" (it has: ${[...(declared.get("smoke")?.keys() ?? [])].join(", ")})`,
      `wf.yml:18: ./actions/deploy needs the input "environment"`,
      "wf.yml:21: ./actions/nothing-here does not exist",
    ]);
  });

  test("command lines keep quoted words and expressions whole and stop at redirections", () => {
    const expression = "$" + "{{ inputs.environment }}"; // a GitHub expression, not a template
    expect(
      flybyCommandLines(
        `x=$(npx bun run flyby bundle --env "${expression}" --out b.json) && bun run flyby status --title "a b" > out.md`,
      ),
    ).toEqual([
      { line: 0, argv: ["bundle", "--env", expression.replace(/\s+/g, ""), "--out", "b.json"] },
      { line: 0, argv: ["status", "--title", "a b"] },
    ]);
  });

  test("a stray positional word is refused like an unknown flag", () => {
    expect(() => parseCommandLine(["render", "staging"])).toThrow('unexpected argument "staging"');
  });
});
