import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { checkOutputFolder, writeOutputFolder } from "../../adapters/output-folder.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import { renderToFiles, renderToText } from "../../core/render/output.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import type { CommandImplementation } from "../command.ts";

export const renderImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const out = stringOption(ctx, "out");
    const rules = { display: out ?? "", cwd: ctx.cwd };
    if (out) checkOutputFolder(userPath(ctx, out), rules);
    const result = renderChecked(loadManifestTree(join(ctx.cwd, "manifests")), env);
    if (out) {
      writeOutputFolder(userPath(ctx, out), renderToFiles(result.objects), rules);
      ctx.out.stderr(`wrote ${result.objects.length} objects for ${env} to ${out}\n`);
    } else if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify(result.objects.map((o) => o.object))}\n`);
    } else {
      ctx.out.stdout(renderToText(result.objects));
    }
    return {};
  },
};
