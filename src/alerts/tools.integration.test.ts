/** The generated files against the real promtool and amtool (Debian prometheus, prometheus-alertmanager). */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeAtomically } from "../adapters/alerts-files.ts";
import { processTools, runTool } from "../adapters/promtool.ts";
import { runCli } from "../cli/main.ts";
import { ExitCode } from "../core/exit-code.ts";
import { repoAlerts } from "../testing/alerts/stack.ts";
import type { RoutingCase } from "./alertmanager.ts";
import { alertmanagerFile, generate, prometheusAlertingFile } from "./generate.ts";
import { receiver, rootRoute } from "./routes.ts";

const defaults = repoAlerts();

const repo = resolve(import.meta.dir, "../..");
let dir: string;

beforeAll(async () => {
  for (const tool of ["promtool", "amtool"]) {
    if (!Bun.which(tool))
      throw new Error(
        `${tool} is missing: run .ci/setup (apt-get install prometheus prometheus-alertmanager)`,
      );
  }
  dir = await mkdtemp(join(tmpdir(), "flyby-alerts-real-"));
  await writeAtomically(join(dir, "out"), generate(defaults));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
  let stdout = "";
  const code = await runCli(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stdout += t;
    },
    stdoutIsTTY: false,
    cwd: repo,
    env: {},
  });
  return { code, stdout };
}

describe("real promtool and amtool", () => {
  test("flyby alerts check passes on the default alerts", async () => {
    const r = await cli("alerts", "check");
    expect(r.stdout).toContain("ok: promtool check rules");
    expect(r.stdout).toContain("ok: amtool check-config alertmanager.yml");
    expect(r.code).toBe(ExitCode.Ok);
  });

  test("flyby alerts test passes: promtool unit tests and every amtool routing case", async () => {
    const r = await cli("alerts", "test", "--json");
    const report = JSON.parse(r.stdout) as { tools: { command: string; ok: boolean }[] };
    expect(report.tools.length).toBeGreaterThan(20);
    expect(report.tools.filter((t) => !t.ok)).toEqual([]);
    expect(r.code).toBe(ExitCode.Ok);
  }, 30_000);

  test("GIVEN a wrong expectation THEN promtool's unit test fails", async () => {
    const out = join(dir, "out");
    const file = join(out, "tests/worker.test.yaml");
    const text = await readFile(file, "utf8");
    await writeFile(file, text.replace("is at 95 °C", "is at 96 °C"));
    const run = await processTools(out).testRules(["tests/worker.test.yaml"]);
    expect(run.ok).toBe(false);
    expect(run.output).toContain("alertname: GpuOverheating");
    await writeFile(file, text);
  }, 30_000);

  test("Prometheus accepts the alerting section, and amtool a Slack receiver", async () => {
    const out = join(dir, "out");
    const section = Bun.YAML.parse(await readFile(join(out, prometheusAlertingFile), "utf8")) as object;
    await writeFile(
      join(out, "prometheus.yml"),
      JSON.stringify({ global: { scrape_interval: "15s" }, ...section }),
    );
    const check = await runTool(["promtool", "check", "config", "prometheus.yml"], out);
    expect(check.output).toContain("SUCCESS");
    const slack = receiver("slack", {
      slack: [{ apiUrlFile: "/etc/alertmanager/secrets/slack", channel: "#alerts" }],
    });
    const def = {
      ...defaults,
      alertmanager: { ...defaults.alertmanager, route: rootRoute({ receiver: slack }) },
    };
    await writeFile(join(out, "slack.yml"), generate(def).get(alertmanagerFile) ?? "");
    expect((await processTools(out).checkConfig("slack.yml")).ok).toBe(true);
  });

  test("GIVEN receivers amtool disagrees with THEN the routing case fails", async () => {
    const out = join(dir, "out");
    const cases = JSON.parse(await readFile(join(out, "amtool-routes.json"), "utf8")) as RoutingCase[];
    const gpu = cases.find((c) => c.alert === "GpuOverheating" && c.labels.environment === "production");
    expect(gpu?.receivers).toEqual(["flyby-production-page", "flyby-ml"]);
    const tools = processTools(out);
    expect((await tools.routesTest("alertmanager.yml", gpu?.labels ?? {}, ["flyby-ml"])).ok).toBe(false);
    expect((await tools.routesTest("alertmanager.yml", gpu?.labels ?? {}, gpu?.receivers ?? [])).ok).toBe(
      true,
    );
  });
});
