import { buildReleaseBundle } from "../../app/bundle.ts";
import { encodeBundle, isBundleText } from "../../bundle/bundle.ts";
import { requiredString, stringOption, userPath } from "../../core/options.ts";
import { bundleSources } from "../../wiring/bundle-build.ts";
import { outputFile } from "../../wiring/repository.ts";
import type { CommandImplementation } from "../command.ts";

export const bundleImplementation: CommandImplementation = {
  async run(ctx) {
    const env = requiredString(ctx, "env", "E");
    const out = requiredString(ctx, "out", "FILE");
    const file = outputFile(userPath(ctx, out), {
      display: out,
      cwd: ctx.cwd,
      what: "a flyby bundle",
      ours: isBundleText,
    });
    const { commit, ports } = bundleSources(ctx.cwd, ctx.env, stringOption(ctx, "commit"));
    const bundle = await buildReleaseBundle({ environment: env, commit }, ports);
    file.write(encodeBundle(bundle));
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
