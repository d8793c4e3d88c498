import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import type { ToolRun } from "../alerts/tools.ts";
import type { Finding } from "../core/finding.ts";
import type { KubeObject, RenderedObject } from "../core/kube/object.ts";
import {
  type LocalContainer,
  localContainer,
  localPrometheus,
  workloadWithConfig,
} from "../core/local/container.ts";
import { runTool } from "./promtool.ts";

/** Writes a laid-out container's files and folders under its root. */
export function writeLocalContainer(c: LocalContainer): void {
  for (const d of c.dirs) mkdirSync(d, { recursive: true });
  for (const [path, content] of c.files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}

const packages: Record<string, string> = { promtool: "prometheus", amtool: "prometheus-alertmanager" };

function configMapHolding(rendered: readonly RenderedObject[], key: string): RenderedObject | undefined {
  return rendered.find((r) => r.object.kind === "ConfigMap" && key in ((r.object.data as object) ?? {}));
}

/**
 * Runs the real `promtool check config`, `promtool check rules` and `amtool check-config` on
 * the rendered Prometheus and Alertmanager configurations, laid out as their containers see
 * them (pod discovery replaced by file discovery, see src/core/local/container.ts). A tool
 * that is not installed gives a warning naming its Debian package; a failed check, an error
 * at the ConfigMap's template.
 */
export async function checkWithPrometheusTools(
  rendered: readonly RenderedObject[],
  run: (argv: readonly string[], cwd: string) => Promise<ToolRun> = runTool,
  installed: (tool: string) => boolean = (tool) => Bun.which(tool) !== null,
): Promise<Finding[]> {
  const objects: KubeObject[] = rendered.map((r) => r.object);
  const checks: { tool: string; key: string; argv: (root: string) => string[][] }[] = [];
  if (workloadWithConfig(objects, "prometheus.yml")) {
    checks.push({
      tool: "promtool",
      key: "prometheus.yml",
      argv: (root) => {
        const local = localPrometheus(objects, [], root);
        writeLocalContainer(local);
        const rules = [...local.files.keys()].filter((f) => /\.rules\.ya?ml$/.test(f));
        return [
          ["promtool", "check", "config", local.configFile],
          ...(rules.length ? [["promtool", "check", "rules", ...rules]] : []),
        ];
      },
    });
  }
  const alertmanager = workloadWithConfig(objects, "alertmanager.yml");
  if (alertmanager) {
    checks.push({
      tool: "amtool",
      key: "alertmanager.yml",
      argv: (root) => {
        const local = localContainer(alertmanager.workload, alertmanager.container, objects, root);
        writeLocalContainer(local);
        const file = [...local.files.keys()].find((f) => f.endsWith("/alertmanager.yml")) as string;
        return [["amtool", "check-config", file]];
      },
    });
  }
  const findings: Finding[] = [];
  for (const check of checks) {
    const location = configMapHolding(rendered, check.key)?.source;
    if (!installed(check.tool)) {
      findings.push({
        severity: "warning",
        rule: `${check.tool}-check`,
        message: `${check.tool} is not installed, so ${check.key} was not checked by it`,
        hint: `apt-get install -y --no-install-recommends ${packages[check.tool]}`,
        ...(location ? { location } : {}),
      });
      continue;
    }
    const root = mkdtempSync(`${tmpdir()}/flyby-check-`);
    try {
      for (const argv of check.argv(root)) {
        const result = await run(argv, root);
        if (result.ok) continue;
        const shown = result.output.replaceAll(`${root}/`, "/").replaceAll(root, "");
        findings.push({
          severity: "error",
          rule: `${check.tool}-check`,
          message: `${argv.slice(0, 3).join(" ")} of the rendered ${check.key} failed: ${shown}`,
          ...(location ? { location } : {}),
        });
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  return findings;
}
