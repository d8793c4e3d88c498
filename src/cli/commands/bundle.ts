import { join } from "node:path";
import { sourceCommit } from "../../adapters/bundle-sources.ts";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { checkOutputFile, writeOutputFile } from "../../adapters/output-folder.ts";
import { buildReleaseBundle } from "../../app/bundle.ts";
import { encodeBundle, isBundleText } from "../../bundle/bundle.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import { resolverFromEnv } from "../../wiring/read.ts";
import type { CommandImplementation } from "../command.ts";

export const bundleImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const out = requiredString(ctx, "out", "FILE");
    const outPath = userPath(ctx, out);
    const outRules = { display: out, cwd: ctx.cwd, what: "a flyby bundle", ours: isBundleText };
    checkOutputFile(outPath, outRules);
    const commit = sourceCommit(ctx.cwd, ctx.env, stringOption(ctx, "commit"));
    const bundle = await buildReleaseBundle(
      { environment: env, commit },
      { manifests: loadManifestTree(join(ctx.cwd, "manifests")), resolver: resolverFromEnv(ctx.env) },
    );
    writeOutputFile(outPath, encodeBundle(bundle), outRules);
    if (ctx.out.json) {
      ctx.out.stdout(
        `${JSON.stringify({ sha256: bundle.sha256, commit, environment: env, images: bundle.content.images })}\n`,
      );
    } else {
      ctx.out.stdout(`${bundle.sha256}\n`);
      ctx.out.stderr(
        `wrote ${out}: ${bundle.content.objects.length} objects, ${Object.keys(bundle.content.images).length} images pinned, commit ${commit.slice(0, 12)}\n`,
      );
    }
    return {};
  },
};
