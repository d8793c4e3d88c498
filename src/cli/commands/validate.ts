import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { checkWithPrometheusTools } from "../../adapters/prometheus-checks.ts";
import { paint } from "../../core/color.ts";
import { formatFinding, Severity, sortFindings } from "../../core/finding.ts";
import { requiredString } from "../../core/options.ts";
import { renderEnvironment } from "../../core/render/render.ts";
import { validateRendered } from "../../core/validate/validate.ts";
import type { CommandImplementation } from "../command.ts";

export const validateImplementation: CommandImplementation = {
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
    return { findings };
  },
};
