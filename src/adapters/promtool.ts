/** AlertTools on the real promtool and amtool (Debian `prometheus`, `prometheus-alertmanager`). */

import type { AlertTools, ToolRun } from "../alerts/tools.ts";
import { EnvironmentError } from "../core/errors.ts";

const install: Record<string, string> = {
  promtool: "apt-get install -y --no-install-recommends prometheus",
  amtool: "apt-get install -y --no-install-recommends prometheus-alertmanager",
};

/** Runs one of the Prometheus tools in `cwd`; a missing tool is an EnvironmentError that says how to install it. */
export async function runTool(argv: readonly string[], cwd: string): Promise<ToolRun> {
  const [tool] = argv;
  if (!tool || !Bun.which(tool)) {
    throw new EnvironmentError(`${tool} is not installed; install it with: ${install[tool ?? ""] ?? tool}`);
  }
  const proc = Bun.spawn([...argv], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: { PATH: process.env.PATH ?? "" },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const shown = argv.map((a) => (/[\s"'=]/.test(a) && !a.startsWith("--") ? JSON.stringify(a) : a)).join(" ");
  return { command: shown, ok: code === 0, output: `${stdout}${stderr}`.trim() };
}

/** Runs the tools in `cwd` (the build's output directory), so file names stay relative. */
export function processTools(cwd: string): AlertTools {
  return {
    checkRules: (files) => runTool(["promtool", "check", "rules", ...files], cwd),
    testRules: (files) => runTool(["promtool", "test", "rules", ...files], cwd),
    checkConfig: (file) => runTool(["amtool", "check-config", file], cwd),
    routesTest: (config, labels, receivers) =>
      runTool(
        [
          "amtool",
          "config",
          "routes",
          "test",
          `--config.file=${config}`,
          `--verify.receivers=${receivers.join(",")}`,
          ...Object.entries(labels).map(([k, v]) => `${k}=${v}`),
        ],
        cwd,
      ),
  };
}
