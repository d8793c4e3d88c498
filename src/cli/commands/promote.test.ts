import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifestTree } from "../../adapters/manifest-files.ts";
import { encodeBundle } from "../../bundle/bundle.ts";
import { stagingBundleOf } from "../../testing/bundles.ts";
import { runFlyby, scratchRepo } from "../../testing/cli.ts";

const commit = "1".repeat(40);
let dir: string;
let sha256: string;
beforeAll(async () => {
  dir = scratchRepo();
  const bundle = await stagingBundleOf(loadManifestTree(join(dir, "manifests")), commit);
  sha256 = bundle.sha256;
  writeFileSync(join(dir, "bundle.json"), encodeBundle(bundle));
  Bun.spawnSync(["git", "init", "-q"], { cwd: dir });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("flyby promote: bad input exits 2 before anything is recorded", () => {
  test("no tag", async () => {
    const r = await runFlyby(["promote", "--bundle", "bundle.json", "--to", "production"], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no tag: pass --tag");
  });

  test("a tag that does not exist", async () => {
    const r = await runFlyby(
      ["promote", "--bundle", "bundle.json", "--to", "production", "--tag", "v9.9.9"],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("the tag v9.9.9 does not exist in this checkout (at --tag)");
  });

  test("a bundle with one byte changed, with both hashes", async () => {
    const text = readFileSync(join(dir, "bundle.json"), "utf8");
    const at = text.indexOf('"replicas": 1') + '"replicas": '.length;
    writeFileSync(join(dir, "tampered.json"), `${text.slice(0, at)}2${text.slice(at + 1)}`);
    const r = await runFlyby(
      ["promote", "--bundle", "tampered.json", "--to", "production", "--tag", "v1.0.0", "--commit", commit],
      dir,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(
        `tampered\\.json: the bundle was changed after it was built: it declares sha256 ${sha256} but its content hashes to [a-f0-9]{64}`,
      ),
    );
  });

  test("a missing bundle file, and no GitHub token, name what is wrong", async () => {
    const missing = await runFlyby(
      ["promote", "--bundle", "nope.json", "--to", "production", "--tag", "v1"],
      dir,
    );
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.json: the bundle file does not exist");
    const noToken = await runFlyby(
      [
        "promote",
        "--bundle",
        "bundle.json",
        "--to",
        "production",
        "--tag",
        "v1.0.0",
        "--commit",
        commit,
        "--via-cluster",
      ],
      dir,
    );
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("GITHUB_TOKEN is not set");
  });
});
