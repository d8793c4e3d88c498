import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { checkOutputFolder, writeOutputFolder } from "../../adapters/output-folder.ts";
import { render } from "../../app/render.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import { renderToFiles, renderToText } from "../../core/render/output.ts";
import type { CommandImplementation } from "../command.ts";

export const renderImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const out = stringOption(ctx, "out");
    const rules = { display: out ?? "", cwd: ctx.cwd };
    if (out) checkOutputFolder(userPath(ctx, out), rules);
    // The one adapter render needs, built here: the wiring module loads the cluster and GitHub
    // clients, and render must start without them (see startup.test.ts).
    const manifests = () => loadManifestTree(join(ctx.cwd, "manifests"));
    const outcome = render({ environment: env }, { manifests });
    const { objects } = outcome.render;
    if (out) {
      writeOutputFolder(userPath(ctx, out), renderToFiles(objects), rules);
      ctx.out.stderr(`wrote ${objects.length} objects for ${env} to ${out}\n`);
    } else if (ctx.out.json) {
      ctx.out.stdout(`${JSON.stringify(objects.map((o) => o.object))}\n`);
    } else {
      ctx.out.stdout(renderToText(objects));
    }
    return outcome;
  },
};
