import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDefinition, writeAtomically } from "../../adapters/alerts-files.ts";
import {
  checkOutputFile,
  checkOutputFolder,
  type OutputFileRules,
  writeOutputFile,
} from "../../adapters/output-folder.ts";
import { processTools } from "../../adapters/promtool.ts";
import type { RoutingCase } from "../../alerts/alertmanager.ts";
import { type AlertsBuild, buildAlerts } from "../../alerts/build.ts";
import { alertmanagerFile, amtoolCasesFile, rulesDir, testsDir } from "../../alerts/generate.ts";
import { stackManifest, stackManifestHeader, stackManifestPath } from "../../alerts/stack-manifest.ts";
import type { AlertTools, ToolRun } from "../../alerts/tools.ts";
import { type Finding, formatFinding, hasErrors } from "../../core/finding.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { requiredString, userPath } from "../options.ts";

/** The generated manifest sits in manifests/ by design; it replaces only a file under its header. */
const stackManifestRules: OutputFileRules = {
  display: stackManifestPath,
  what: "the generated alerting manifest (its first line is the generated header)",
  ours: (text) => text.startsWith(stackManifestHeader),
};

function report(
  ctx: CommandContext,
  findings: readonly Finding[],
  runs: readonly ToolRun[],
  extra: object = {},
): void {
  if (ctx.out.json) {
    ctx.out.stdout(`${JSON.stringify({ ...extra, findings, tools: runs }, null, 2)}\n`);
    return;
  }
  for (const f of findings) ctx.out.stdout(`${formatFinding(f)}${f.hint ? `\n  hint: ${f.hint}` : ""}\n`);
  for (const r of runs) {
    ctx.out.stdout(`${r.ok ? "ok" : "FAILED"}: ${r.command}\n`);
    if (!r.ok && r.output) ctx.out.stdout(`${r.output.replace(/^/gm, "  ")}\n`);
  }
}

async function build(ctx: CommandContext): Promise<AlertsBuild> {
  return buildAlerts(await loadDefinition(ctx.cwd), ctx.cwd);
}

function pathsUnder(b: AlertsBuild, dir: string): string[] {
  return [...b.files.keys()].filter((p) => p.startsWith(`${dir}/`)).sort();
}

/** Builds into a scratch directory, runs the tools there, and always removes it. */
async function withScratchBuild<T>(b: AlertsBuild, use: (dir: string) => Promise<T>): Promise<T> {
  const parent = await mkdtemp(join(tmpdir(), "flyby-alerts-"));
  const dir = join(parent, "alerts");
  try {
    await writeAtomically(dir, b.files);
    return await use(dir);
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

export function alertsCommands(toolsIn: (dir: string) => AlertTools): CommandImplementation[] {
  const buildCommand: CommandImplementation = {
    async run(ctx) {
      const def = await loadDefinition(ctx.cwd);
      const b = buildAlerts(def, ctx.cwd);
      const given = requiredString(ctx, "out", "DIR");
      const out = userPath(ctx, given);
      const outRules = { display: given, cwd: ctx.cwd };
      const stackPath = join(ctx.cwd, stackManifestPath);
      const failed = hasErrors(b.findings);
      if (!failed) {
        checkOutputFolder(out, outRules);
        checkOutputFile(stackPath, stackManifestRules);
        await writeAtomically(out, b.files, outRules);
        writeOutputFile(stackPath, stackManifest(def), stackManifestRules);
      }
      report(ctx, b.findings, [], {
        out: failed ? null : out,
        files: failed ? [] : [...b.files.keys()].sort(),
      });
      if (!ctx.out.json && !failed) {
        ctx.out.stdout(`wrote ${b.files.size} files to ${out}, and ${stackManifestPath}\n`);
      }
      return { findings: b.findings };
    },
  };

  const checkCommand: CommandImplementation = {
    async run(ctx) {
      const b = await build(ctx);
      const runs = await withScratchBuild(b, async (dir) => {
        const tools = toolsIn(dir);
        return [await tools.checkRules(pathsUnder(b, rulesDir)), await tools.checkConfig(alertmanagerFile)];
      });
      report(ctx, b.findings, runs);
      return { findings: b.findings, checks: runs.map((r) => ({ passed: r.ok })) };
    },
  };

  const testCommand: CommandImplementation = {
    async run(ctx) {
      const b = await build(ctx);
      const cases = JSON.parse(b.files.get(amtoolCasesFile) ?? "[]") as RoutingCase[];
      const runs = await withScratchBuild(b, async (dir) => {
        const tools = toolsIn(dir);
        const all = [await tools.testRules(pathsUnder(b, testsDir))];
        for (const c of cases) all.push(await tools.routesTest(alertmanagerFile, c.labels, c.receivers));
        return all;
      });
      const failed = runs.filter((r) => !r.ok);
      report(ctx, [], ctx.out.json ? runs : failed);
      if (!ctx.out.json) {
        ctx.out.stdout(
          `${runs.length - failed.length}/${runs.length} passed (promtool unit tests, ${cases.length} amtool routing cases)\n`,
        );
      }
      return { checks: runs.map((r) => ({ passed: r.ok })) };
    },
  };

  return [buildCommand, checkCommand, testCommand];
}

export const [alertsBuildImplementation, alertsCheckImplementation, alertsTestImplementation] =
  alertsCommands(processTools) as [CommandImplementation, CommandImplementation, CommandImplementation];
