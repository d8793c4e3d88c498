import { render } from "../../app/render.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import { renderToFiles, renderToText } from "../../core/render/output.ts";
import { manifestFiles, outputFolder } from "../../wiring/repository.ts";
import type { CommandImplementation } from "../command.ts";

export const renderImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const out = stringOption(ctx, "out");
    const folder = out ? outputFolder(userPath(ctx, out), { display: out, cwd: ctx.cwd }) : undefined;
    const outcome = render({ environment: env }, manifestFiles(ctx.cwd));
    const { objects } = outcome.render;
    if (folder) {
      folder.write(renderToFiles(objects));
      ctx.out.stderr(`wrote ${objects.length} objects for ${env} to ${out}\n`);
    } else if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify(objects.map((o) => o.object))}\n`);
    } else {
      ctx.out.stdout(renderToText(objects));
    }
    return outcome;
  },
};
