import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { checkWithPrometheusTools } from "../../adapters/prometheus-checks.ts";
import { ExitCode } from "../../core/exit-code.ts";
import { formatFinding, hasErrors, Severity, sortFindings } from "../../core/finding.ts";
import { renderEnvironment } from "../../core/render/render.ts";
import { validateRendered } from "../../core/validate/validate.ts";
import type { Command } from "../command.ts";
import { requiredString } from "../options.ts";
import { paint } from "../paint.ts";

export const validateCommand: Command = {
  name: "validate",
  summary: "Check every object against its Kubernetes schema and the policy rules",
  synopsis: "validate --env E",
  details: `
Renders the environment and checks each object with kubernetes-models (types, required fields)
and the Kubernetes API's field lists (unknown fields), then the policies: resources,
scrape-annotations, literal-credentials, recommended-labels, high-cardinality-label,
image-digest (an error where the environment requires digests, else a warning),
duplicate-object, and the dashboard-* checks of every Grafana query against the metric catalog.
Where the environment renders Prometheus or Alertmanager, the real promtool (check config,
check rules) and amtool (check-config) check their configurations as the containers would see
them, with Kubernetes pod discovery replaced by file discovery (Debian's promtool has no
Kubernetes discovery); a tool that is not installed is a warning naming its Debian package.
Findings read "file:line: severity rule-id message". Exit 1 when any finding is an error.`,
  options: {
    env: { type: "string", valueName: "E", description: "the environment (see manifests/environments.yaml)" },
  },
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const result = renderEnvironment(loadManifestTree(join(ctx.cwd, "manifests")), env);
    const findings = sortFindings([
      ...validateRendered(result),
      ...(await checkWithPrometheusTools(result.objects)),
    ]);
    if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify({ environment: env, objects: result.objects.length, findings })}\n`);
    } else {
      for (const f of findings) {
        const color =
          f.severity === Severity.Error ? "red" : f.severity === Severity.Warning ? "yellow" : "dim";
        ctx.out.stdout(`${paint(ctx.out.color, color, formatFinding(f))}\n`);
        if (f.hint) ctx.out.stdout(`  ${paint(ctx.out.color, "dim", `hint: ${f.hint}`)}\n`);
      }
      const errors = findings.filter((f) => f.severity === Severity.Error).length;
      ctx.out.stderr(
        `${env}: ${result.objects.length} objects, ${errors} error${errors === 1 ? "" : "s"}, ${findings.length - errors} other finding${findings.length - errors === 1 ? "" : "s"}\n`,
      );
    }
    return hasErrors(findings) ? ExitCode.NotClean : ExitCode.Ok;
  },
};
