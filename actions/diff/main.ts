import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as core from "@actions/core";
import { annotateFindings } from "../../src/github/annotations.ts";
import { jobSummary } from "../../src/github/job-summary.ts";
import { prDiff } from "../../src/github/pr-diff.ts";
import { encodePrObjects } from "../../src/github/pr-objects.ts";
import { writeSection } from "../../src/github/section-files.ts";

async function run(): Promise<void> {
  const environment = core.getInput("environment", { required: true });
  const objects = core.getInput("objects");
  const kubeconfig = core.getInput("kubeconfig");
  const commit = core.getInput("commit");
  const out = core.getInput("out") || ".flyby/pr";
  const result = await core.group(`flyby diff ${environment}`, () =>
    prDiff({
      cwd: process.cwd(),
      environment,
      against: core.getInput("against", { required: true }),
      ...(objects ? { objects } : {}),
      ...(kubeconfig ? { kubeconfig } : {}),
      ...(commit ? { commit } : {}),
    }),
  );
  annotateFindings(core, result.findings);
  mkdirSync(out, { recursive: true });
  const mode = result.section.summary.mode;
  const report = join(out, `${environment}.${mode}.md`);
  writeFileSync(report, result.full);
  if (!objects)
    writeFileSync(join(out, `${environment}.objects.json`), encodePrObjects(environment, result.head));
  writeSection(out, result.section);
  await core.summary.addRaw(jobSummary(result.full, [result.section], core.getInput("artifact"))).write();
  core.setOutput("changed", String(result.changed));
  core.setOutput("report", report);
}

run().catch((e: unknown) => core.setFailed(e instanceof Error ? e.message : String(e)));
