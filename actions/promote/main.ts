import * as core from "@actions/core";
import { runCli } from "../../src/cli/main.ts";

const flags = ["to", "tag", "bundle", "target", "gke", "kubeconfig", "context", "timeout", "smoke-timeout"];
/** Inputs named for the URL they hold, where the CLI flag is shorter. */
const renamed: Readonly<Record<string, string>> = {
  "prometheus-url": "prometheus",
  "grafana-url": "grafana",
};

async function flyby(args: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const io = { stdoutIsTTY: false, cwd: process.cwd(), env: process.env };
  const write = (t: string) => core.info(t.trimEnd());
  const code = await runCli(args, { ...io, stdout: (t) => out.push(t), stderr: write });
  return { code, stdout: out.join("") };
}

/** Runs `flyby promote`, then writes its outputs and the deployment timeline to the job summary. */
async function run(): Promise<void> {
  const args = [...flags, ...Object.keys(renamed)].flatMap((input) =>
    core.getInput(input) ? [`--${renamed[input] ?? input}`, core.getInput(input)] : [],
  );
  if (core.getBooleanInput("via-cluster")) args.push("--via-cluster");
  const promoted = await flyby(["promote", "--json", ...args]);
  const out = promoted.code <= 1 && promoted.stdout ? JSON.parse(promoted.stdout) : {};
  core.setOutput("bundle", out.bundle ?? "");
  core.setOutput("state", out.deploy?.state ?? (promoted.code === 0 ? "unchanged" : "refused"));
  const tag = core.getInput("tag");
  const status = await flyby(["status", "--format", "markdown", "--title", `Release ${tag}`]);
  await core.summary.addHeading(`flyby promote ${tag}`, 2).addRaw(status.stdout).write();
  if (promoted.code !== 0) {
    const rollback = out.rollback ? `; rolled back to the last good bundle (${out.rollback.state})` : "";
    core.setFailed(`flyby promote ${tag} exited ${promoted.code}${rollback}`);
  }
}

run().catch((e: unknown) => core.setFailed(e instanceof Error ? e.message : String(e)));
