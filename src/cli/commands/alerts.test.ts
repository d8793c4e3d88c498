import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { exitCodeOf } from "../../app/exit-policy.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { optionDefaults } from "../../core/options.ts";
import { FakeAlertTools } from "../../testing/alerts/fake-tools.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { alertsBuild } from "./alerts.meta.ts";
import { alertsCommands } from "./alerts.ts";

const repo = resolve(import.meta.dir, "../../..");
const dsl = join(repo, "src/alerts/dsl.ts");
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "flyby-alerts-cli-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function context(cwd: string, options: Record<string, string | boolean> = {}) {
  const out = { stdout: "", stderr: "" };
  const ctx: CommandContext = {
    // The parser fills in the defaults the metadata declares; these tests skip the parser.
    options: { ...optionDefaults(alertsBuild.options), ...options },
    positionals: [],
    cwd,
    workDir: cwd,
    env: {},
    out: {
      color: false,
      json: options.json === true,
      stdoutIsTTY: false,
      stdout: (t) => {
        out.stdout += t;
      },
      stderr: (t) => {
        out.stderr += t;
      },
    },
  };
  return { ctx, out };
}

function commands(tools = new FakeAlertTools()) {
  const [build, check, runTests] = alertsCommands(() => tools) as [
    CommandImplementation,
    CommandImplementation,
    CommandImplementation,
  ];
  return { build, check, runTests, tools };
}

/** A project whose alerts/index.ts holds `body` after the DSL import. */
async function project(name: string, body: string): Promise<string> {
  const dir = join(scratch, name);
  await mkdir(join(dir, "alerts"), { recursive: true });
  await writeFile(
    join(dir, "alerts/index.ts"),
    `import { alert, defineAlerts, group, raw, receiver, rootRoute, route, up } from ${JSON.stringify(dsl)};\n${body}`,
  );
  return dir;
}

const definition = (rule: string, routes = "[]") => `
const hook = receiver("flyby", { webhooks: [{ url: "http://127.0.0.1:9/", credentialsFile: "/t" }] });
export default defineAlerts({
  runbookBase: "https://runbooks.example",
  scrapeInterval: "15s",
  evaluationInterval: "15s",
  ruleFiles: [{ name: "t", groups: [group("t", [${rule}])] }],
  alertmanager: { route: rootRoute({ receiver: hook, routes: ${routes} }), inhibitions: [], namespaces: ["production"] },
  deployment: { namespace: "observability", image: "am", secretName: "s" },
});
`;
const rule = (expr: string) =>
  `alert({ name: "A", expr: ${expr}, for: "5m", severity: "warning", team: "platform", summary: "s", description: "d", runbook: "r", tests: [{ name: "t", input: [], at: "1m", fires: [] }] })`;

describe("flyby alerts build", () => {
  test("writes rules, tests, alertmanager.yml and manifests into --out", async () => {
    const out = join(scratch, "build-out");
    const { ctx } = context(repo, { out });
    expect(exitCodeOf(await commands().build.run(ctx))).toBe(ExitCode.Ok);
    expect((await readdir(out)).sort()).toEqual([
      ".flyby-output",
      "alertmanager.yml",
      "amtool-routes.json",
      "manifests",
      "prometheus-alerting.yaml",
      "rules",
      "tests",
    ]);
  });

  test("GIVEN raw PromQL that does not parse THEN exit 2 naming alerts/index.ts:line", async () => {
    const dir = await project("bad-raw", definition(rule('raw("rate(up[5m]")')));
    const { ctx } = context(dir);
    const error = await commands()
      .build.run(ctx)
      .catch((e: Error & { exitCode: number }) => e);
    expect(error).toMatchObject({ exitCode: ExitCode.BadInput });
    // Line 8 of the generated file is `ruleFiles: [...]`, where raw() is called.
    expect((error as Error).message).toStartWith("alerts/index.ts:8:74: alert A: PromQL does not parse");
    expect((error as Error).message).toContain("does not parse");
  });

  test("GIVEN an alert that reaches no receiver THEN exit 1 with the route path, and nothing is written", async () => {
    const dir = await project(
      "unrouted",
      definition(
        rule("up().eq(0)"),
        `[route({ matchers: { team: "platform" }, receiver: receiver("nowhere") })]`,
      ),
    );
    const { ctx, out } = context(dir);
    expect(exitCodeOf(await commands().build.run(ctx))).toBe(ExitCode.NotClean);
    expect(out.stdout).toContain(
      'alerts/index.ts:8:49: error alert-unrouted A in production reaches no receiver: route.routes[0] {team="platform"} → nowhere has no integration',
    );
    expect(await Bun.file(join(dir, ".flyby/alerts/alertmanager.yml")).exists()).toBe(false);
  });
});

describe("flyby alerts check / test", () => {
  test("check runs promtool check rules and amtool check-config on the output", async () => {
    const { check, tools } = commands();
    const { ctx } = context(repo);
    expect(exitCodeOf(await check.run(ctx))).toBe(ExitCode.Ok);
    expect(tools.calls).toEqual([
      "promtool check rules rules/api.rules.yaml rules/platform.rules.yaml rules/worker.rules.yaml",
      "amtool check-config alertmanager.yml",
    ]);
  });

  test("GIVEN a failing amtool routing case THEN test exits 1 and shows it", async () => {
    const tools = new FakeAlertTools((c) => !c.includes("alertname=GpuOverheating"));
    const { ctx, out } = context(repo);
    expect(exitCodeOf(await commands(tools).runTests.run(ctx))).toBe(ExitCode.NotClean);
    expect(tools.calls[0]).toBe(
      "promtool test rules tests/api.test.yaml tests/platform.test.yaml tests/worker.test.yaml",
    );
    expect(out.stdout).toContain("FAILED: amtool config routes test --config.file=alertmanager.yml");
    expect(out.stdout).toMatch(/\d+\/\d+ passed/);
  });
});
