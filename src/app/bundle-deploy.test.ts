import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { ExitCode } from "../core/exit-code.ts";
import { stagingBundleOf } from "../testing/bundles.ts";
import { repoRoot } from "../testing/cli.ts";
import { memoryDeps, ScriptedSmoke } from "../testing/memory-deploy.ts";
import { deployBundleRelease } from "./bundle-deploy.ts";
import { exitCodeOf } from "./exit-policy.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const commit = "a".repeat(40);

describe("deployBundleRelease", () => {
  test("GIVEN the smoke checks pass THEN the bundle is stored, applied and its Deployment of the commit succeeds: clean", async () => {
    const deps = memoryDeps();
    const bundle = await stagingBundleOf(tree, commit);
    const { deploy, outcome } = await deployBundleRelease({ bundle }, deps);
    expect(await deps.store.get(bundle.sha256)).toEqual(bundle);
    expect(deps.rollout.live("staging")).toEqual(bundle.content.objects);
    expect(deploy.state).toBe("success");
    expect(deps.ledger.records.map((d) => [d.environment, d.ref, d.payload.kind, d.payload.bundle])).toEqual([
      ["staging", commit, "deploy", bundle.sha256],
    ]);
    expect(exitCodeOf(outcome)).toBe(ExitCode.Ok);
  });

  test("GIVEN a smoke check fails THEN the Deployment fails with the reason and the run is not clean", async () => {
    const deps = memoryDeps({ smoke: new ScriptedSmoke([{ passed: false, summary: "gpu-present" }]) });
    const bundle = await stagingBundleOf(tree, commit);
    const { deploy, outcome } = await deployBundleRelease({ bundle }, deps);
    expect([deploy.state, deploy.reason]).toEqual(["failure", "smoke failed: gpu-present"]);
    expect(exitCodeOf(outcome)).toBe(ExitCode.NotClean);
  });
});
