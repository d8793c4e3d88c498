import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { shortHash } from "../../bundle/bundle.ts";
import { readBundleFile } from "../../bundle/sources.ts";
import { InputError, UsageError } from "../../core/errors.ts";
import { loadEnvironments } from "../../core/manifests/environments.ts";
import { renderChecked } from "../../core/render/render-checked.ts";
import { promote, verifiedBundle } from "../../promote/promote.ts";
import type { CommandContext, CommandImplementation } from "../command.ts";
import { requiredString, stringOption, userPath } from "../options.ts";
import { outcomeJson, reportOutcome } from "./deploy.ts";
import { deployDeps } from "./release-options.ts";

/** The tag being released and its commit: flags, else the tag the workflow runs for. */
function releaseTag(ctx: CommandContext): { tag: string; commit: string } {
  const fromRef = ctx.env.GITHUB_REF_TYPE === "tag" ? ctx.env.GITHUB_REF_NAME : undefined;
  const tag = stringOption(ctx, "tag") ?? fromRef;
  if (!tag) throw new UsageError("no tag: pass --tag vX.Y.Z (a tag workflow sets GITHUB_REF_NAME)");
  const given = stringOption(ctx, "commit") ?? (tag === fromRef ? ctx.env.GITHUB_SHA : undefined);
  if (given) {
    if (!/^[0-9a-f]{40}$/.test(given))
      throw new UsageError(`--commit "${given}" is not a full 40-hex commit id`);
    return { tag, commit: given };
  }
  const git = Bun.spawnSync(["git", "rev-parse", "--verify", "--quiet", `refs/tags/${tag}^{commit}`], {
    cwd: ctx.cwd,
    stdout: "pipe",
    stderr: "ignore",
  });
  const commit = git.stdout.toString().trim();
  if (git.exitCode !== 0 || !commit) {
    throw new InputError(`the tag ${tag} does not exist in this checkout`, undefined, "--tag");
  }
  return { tag, commit };
}

export const promoteImplementation: CommandImplementation = {
  async run(ctx) {
    const file = stringOption(ctx, "bundle");
    const to = requiredString(ctx, "to", "E");
    const given = file ? readBundleFile(userPath(ctx, file), file) : undefined;
    const { tag, commit } = releaseTag(ctx);
    const tree = loadManifestTree(join(ctx.cwd, "manifests"));
    const environments = loadEnvironments(tree);
    const target = environments.get(to);
    const from = environments.promotionSource(to);
    if (from === undefined) {
      throw new InputError(
        `${to} starts the promotion chain: it promotes from no environment (it is deployed, not promoted)`,
        undefined,
        "--to",
      );
    }
    const rendered = renderChecked(tree, to);
    const deps = deployDeps(ctx);
    const bundle = given ?? (await verifiedBundle(deps, from, commit));
    const out = await promote(deps, {
      bundle,
      bundleFile: file ?? `the ${from} bundle ${shortHash(bundle.sha256)}`,
      from,
      to,
      production: target.production,
      tag,
      tagCommit: commit,
      rendered: rendered.objects.map((r) => r.object),
    });
    if (ctx.out.json) {
      ctx.out.stdout(
        `${JSON.stringify({ bundle: out.promoted.sha256, promotedFrom: bundle.sha256, deploy: outcomeJson(out.deploy), rollback: outcomeJson(out.rollback) })}\n`,
      );
    } else if (!out.deploy) {
      ctx.out.stdout(`${to} already runs ${shortHash(out.promoted.sha256)} (${tag}); nothing applied\n`);
    } else {
      reportOutcome(ctx, `promote ${tag} ${shortHash(out.promoted.sha256)}`, out.deploy);
      if (out.rollback) reportOutcome(ctx, "rollback", out.rollback);
    }
    return { checks: [{ passed: !out.deploy || out.deploy.state === "success" }] };
  },
};
