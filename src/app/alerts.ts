import type { RoutingCase } from "../alerts/alertmanager.ts";
import { type AlertsBuild, buildAlerts } from "../alerts/build.ts";
import type { AlertsDefinition } from "../alerts/definition.ts";
import { alertmanagerFile, amtoolCasesFile, rulesDir, testsDir } from "../alerts/generate.ts";
import { stackManifest } from "../alerts/stack-manifest.ts";
import type { AlertTools, ToolRun } from "../alerts/tools.ts";
import { type Finding, hasErrors } from "../core/finding.ts";
import type { Outcome } from "../core/outcome.ts";

export interface AlertsPorts {
  /** The repository root: findings name files relative to it. */
  readonly root: string;
  /** The definitions in alerts/index.ts, resolved with the stack's facts. */
  definition(): Promise<AlertsDefinition>;
  /** Writes the build into a scratch folder, runs the tools there, and removes the folder again. */
  withBuild<T>(files: ReadonlyMap<string, string>, use: (tools: AlertTools) => Promise<T>): Promise<T>;
}

export interface AlertsPublish {
  /** Writes the build's files and the generated alerting manifest beside the templates. */
  publish(files: ReadonlyMap<string, string>, manifest: string): Promise<void>;
}

export interface AlertsBuildOutcome extends Outcome {
  readonly findings: readonly Finding[];
  /** The files written, by path; none when a finding is an error (nothing is written then). */
  readonly files: readonly string[];
}

export interface AlertsToolsOutcome extends Outcome {
  readonly findings: readonly Finding[];
  /** Every promtool and amtool run, in order. */
  readonly runs: readonly ToolRun[];
  readonly checks: readonly { readonly passed: boolean }[];
}

export interface AlertsTestOutcome extends AlertsToolsOutcome {
  /** How many amtool routing cases ran (beside the promtool unit tests). */
  readonly routingCases: number;
}

const checksOf = (runs: readonly ToolRun[]) => runs.map((r) => ({ passed: r.ok }));

function pathsUnder(b: AlertsBuild, dir: string): string[] {
  return [...b.files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort();
}

/** `alerts build`: the rules, the Alertmanager config and the alerting manifest, written only when no finding is an error. */
export async function buildAlertFiles(ports: AlertsPorts & AlertsPublish): Promise<AlertsBuildOutcome> {
  const def = await ports.definition();
  const b = buildAlerts(def, ports.root);
  if (hasErrors(b.findings)) return { findings: b.findings, files: [] };
  await ports.publish(b.files, stackManifest(def));
  return { findings: b.findings, files: [...b.files.keys()].sort() };
}

/** `alerts check`: promtool checks the rules and amtool the Alertmanager config. */
export async function checkAlerts(ports: AlertsPorts): Promise<AlertsToolsOutcome> {
  const b = buildAlerts(await ports.definition(), ports.root);
  const runs = await ports.withBuild(b.files, async (tools) => [
    await tools.checkRules(pathsUnder(b, rulesDir)),
    await tools.checkConfig(alertmanagerFile),
  ]);
  return { findings: b.findings, runs, checks: checksOf(runs) };
}

/** `alerts test`: the promtool unit tests, then every routing case through amtool. */
export async function testAlerts(ports: AlertsPorts): Promise<AlertsTestOutcome> {
  const b = buildAlerts(await ports.definition(), ports.root);
  const cases = JSON.parse(b.files.get(amtoolCasesFile) ?? "[]") as RoutingCase[];
  const runs = await ports.withBuild(b.files, async (tools) => {
    const all = [await tools.testRules(pathsUnder(b, testsDir))];
    for (const c of cases) all.push(await tools.routesTest(alertmanagerFile, c.labels, c.receivers));
    return all;
  });
  return { findings: [], runs, checks: checksOf(runs), routingCases: cases.length };
}
