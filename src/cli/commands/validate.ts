import { validate } from "../../app/validate.ts";
import { paint } from "../../core/color.ts";
import { formatFinding, Severity } from "../../core/finding.ts";
import { requiredString } from "../../core/options.ts";
import { validatePorts } from "../../wiring/read.ts";
import type { CommandImplementation } from "../command.ts";

export const validateImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const outcome = await validate({ environment: env }, validatePorts(ctx.cwd));
    const { findings, objects } = outcome;
    if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify({ environment: env, objects, findings })}\n`);
    } else {
      for (const f of findings) {
        const color =
          f.severity === Severity.Error ? "red" : f.severity === Severity.Warning ? "yellow" : "dim";
        ctx.out.stdout(`${paint(ctx.out.color, color, formatFinding(f))}\n`);
        if (f.hint) ctx.out.stdout(`  ${paint(ctx.out.color, "dim", `hint: ${f.hint}`)}\n`);
      }
      const errors = findings.filter((f) => f.severity === Severity.Error).length;
      ctx.out.stderr(
        `${env}: ${objects} objects, ${errors} error${errors === 1 ? "" : "s"}, ${findings.length - errors} other finding${findings.length - errors === 1 ? "" : "s"}\n`,
      );
    }
    return outcome;
  },
};
