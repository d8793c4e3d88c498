import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadManifestTree } from "../adapters/manifest-files.ts";
import { InputError } from "../core/errors.ts";
import { deployAndVerify } from "../promote/deploy.ts";
import { stagingBundleOf } from "../testing/bundles.ts";
import { repoRoot } from "../testing/cli.ts";
import { memoryDeps } from "../testing/memory-deploy.ts";
import { rollbackRelease } from "./rollback.ts";

const tree = loadManifestTree(join(repoRoot, "manifests"));
const staging = { environment: "staging", production: false };

describe("rollbackRelease", () => {
  test("GIVEN two good bundles WHEN rolled back THEN the previous one runs again", async () => {
    const deps = memoryDeps();
    const first = await stagingBundleOf(tree, "a".repeat(40));
    const second = await stagingBundleOf(tree, "b".repeat(40), "second");
    await deployAndVerify(deps, first, first.content.commit);
    await deployAndVerify(deps, second, second.content.commit);
    const { target, rollback } = await rollbackRelease(staging, deps);
    expect(target.payload.bundle).toBe(first.sha256);
    expect(rollback.state).toBe("success");
    expect(deps.rollout.applied.at(-1)?.objects).toEqual(first.content.objects);
  });

  test("GIVEN one deploy only THEN there is nothing to roll back to (bad input, at --previous)", async () => {
    const deps = memoryDeps();
    const only = await stagingBundleOf(tree, "a".repeat(40));
    await deployAndVerify(deps, only, only.content.commit);
    const e = await rollbackRelease(staging, deps).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).fieldPath).toBe("--previous");
  });

  test("GIVEN a bundle file that never ran THEN it is refused naming the file, and the store is left as it was", async () => {
    const deps = memoryDeps();
    const ran = await stagingBundleOf(tree, "a".repeat(40));
    await deployAndVerify(deps, ran, ran.content.commit);
    const never = await stagingBundleOf(tree, "c".repeat(40), "never");
    const e = await rollbackRelease({ ...staging, to: { bundle: never, file: "old.json" } }, deps).catch(
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toStartWith("old.json: ");
    expect(await deps.store.get(never.sha256)).toBeUndefined();
  });
});
