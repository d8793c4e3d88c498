import { afterAll, describe, expect, test } from "bun:test";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { outputMarker } from "../../adapters/output-folder.ts";
import { repoRoot, runFlyby } from "../../testing/cli.ts";
import { treeSnapshot } from "../../testing/tree.ts";

/**
 * Every writer on a scratch repository (a git repository with a copy of manifests/ and
 * alerts/, inside a scratch parent folder): it replaces only what flyby wrote, and a refusal
 * exits 2 with a sentence that names the folder, prints nothing on stdout and changes no file.
 */
const bases: string[] = [];
afterAll(() => {
  for (const b of bases) rmSync(b, { recursive: true, force: true });
});

/** `base/repo`, a git repository; `base` also holds `sibling/notes.txt`. */
function scratchRepository(): { base: string; repo: string } {
  const base = mkdtempSync(join(tmpdir(), "flyby-writers-"));
  bases.push(base);
  const repo = join(base, "repo");
  cpSync(join(repoRoot, "manifests"), join(repo, "manifests"), { recursive: true });
  mkdirSync(join(repo, "alerts"));
  for (const name of readdirSync(join(repoRoot, "alerts")).filter((n) => n.endsWith(".ts"))) {
    const text = readFileSync(join(repoRoot, "alerts", name), "utf8");
    writeFileSync(join(repo, "alerts", name), text.replaceAll('"../src/', `"${repoRoot}/src/`));
  }
  writeFileSync(join(repo, "README.md"), "my notes\n");
  const git = Bun.spawnSync(["git", "init", "-q", repo]);
  if (git.exitCode !== 0) throw new Error(git.stderr.toString());
  mkdirSync(join(base, "sibling"));
  writeFileSync(join(base, "sibling", "notes.txt"), "keep me\n");
  return { base, repo };
}

/** Runs flyby in `repo` and expects a refusal that changed nothing under `base`. */
async function expectRefusal(
  where: { base: string; repo: string },
  argv: readonly string[],
  says: readonly string[],
): Promise<void> {
  const before = treeSnapshot(where.base);
  const run = await runFlyby(argv, where.repo);
  expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: "" });
  expect(run.stderr).toContain("refusing to write to");
  for (const s of says) expect(run.stderr).toContain(s);
  expect(run.stderr).not.toContain("internal error");
  expect(treeSnapshot(where.base)).toEqual(before);
}

const render = (out: string) => ["render", "--env", "staging", "--out", out];

describe("render --out", () => {
  test("refuses the repository itself (--out .)", async () => {
    const s = scratchRepository();
    await expectRefusal(s, render("."), [`"." (${s.repo})`, "it is the repository itself"]);
  });

  test("refuses an ancestor of the repository (--out ..)", async () => {
    const s = scratchRepository();
    await expectRefusal(s, render(".."), [`".." (${s.base})`, "ancestor of the repository"]);
  });

  test("refuses the repository by its absolute path, and / too", async () => {
    const s = scratchRepository();
    await expectRefusal(s, render(s.repo), [`"${s.repo}"`, "it is the repository itself"]);
    await expectRefusal(s, render("/"), ['"/"', "ancestor of the repository"]);
  });

  test("refuses the folders flyby reads from, and what is inside them", async () => {
    const s = scratchRepository();
    await expectRefusal(s, render("manifests"), [
      '"manifests"',
      "it is manifests/, a folder flyby reads from",
    ]);
    await expectRefusal(s, render("manifests/templates/out"), [
      "it is inside manifests/, a folder flyby reads from",
    ]);
    await expectRefusal(s, render("alerts"), ["it is alerts/, a folder flyby reads from"]);
    await expectRefusal(s, render(".git"), ["it is .git/, a folder flyby reads from"]);
  });

  test("refuses a folder that holds files flyby did not write", async () => {
    const s = scratchRepository();
    await expectRefusal(s, render("../sibling"), [
      `"../sibling" (${join(s.base, "sibling")})`,
      "it holds files flyby did not write (notes.txt)",
    ]);
  });

  test("refuses a file, and a link that leads to the repository", async () => {
    const s = scratchRepository();
    await expectRefusal(s, render("README.md"), ["it is a file, not a folder"]);
    symlinkSync(s.repo, join(s.base, "link"));
    await expectRefusal(s, render("../link"), ["it is the repository itself"]);
  });

  test("writes to an absolute path where it says, and nowhere else", async () => {
    const s = scratchRepository();
    const before = treeSnapshot(s.repo);
    const out = join(s.base, "rendered");
    const run = await runFlyby(render(out), s.repo);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`to ${out}`);
    expect(existsSync(join(out, "staging", "deployment-overflying-api.yaml"))).toBe(true);
    expect(treeSnapshot(s.repo)).toEqual(before);
  });

  test("replaces a previous flyby output, and an empty folder", async () => {
    const s = scratchRepository();
    mkdirSync(join(s.repo, "out"));
    expect((await runFlyby(render("out"), s.repo)).code).toBe(0);
    const marker = JSON.parse(readFileSync(join(s.repo, "out", outputMarker), "utf8"));
    expect(marker.writtenBy).toBe("flyby");
    expect(marker.files).toContain("staging/deployment-overflying-api.yaml");
    expect((await runFlyby(render("out"), s.repo)).code).toBe(0);
    expect(readdirSync(join(s.repo, "out")).sort()).toEqual([outputMarker, "_cluster", "staging"]);
    expect(readdirSync(s.repo).filter((n) => n.includes(".tmp-"))).toEqual([]);
  });

  test("refuses a previous flyby output that a person added a file to", async () => {
    const s = scratchRepository();
    expect((await runFlyby(render("out"), s.repo)).code).toBe(0);
    writeFileSync(join(s.repo, "out", "staging", "my-patch.yaml"), "kind: Patch\n");
    await expectRefusal(s, render("out"), ["it holds files flyby did not write (staging/my-patch.yaml)"]);
  });
});

describe("apply --target dir:", () => {
  const apply = (target: string) => ["apply", "--env", "staging", "--target", target];

  test("refuses the repository, its parent, manifests/ and a foreign folder", async () => {
    const s = scratchRepository();
    await expectRefusal(s, apply("dir:."), ["it is the repository itself"]);
    await expectRefusal(s, apply("dir:.."), ["ancestor of the repository"]);
    await expectRefusal(s, apply("dir:manifests"), ["it is manifests/, a folder flyby reads from"]);
    await expectRefusal(s, apply(`dir:${join(s.base, "sibling")}`), [
      "it holds files flyby did not write (notes.txt)",
    ]);
  });

  test("applies to an absolute path, and again onto a render --out folder", async () => {
    const s = scratchRepository();
    const out = join(s.base, "hydrated");
    expect((await runFlyby(render(out), s.repo)).code).toBe(0);
    const before = treeSnapshot(s.repo);
    const run = await runFlyby(apply(`dir:${out}`), s.repo);
    expect(run.code).toBe(0);
    expect(treeSnapshot(s.repo)).toEqual(before);
    expect(JSON.parse(readFileSync(join(out, outputMarker), "utf8")).files).toContain(
      "staging/deployment-overflying-api.yaml",
    );
  });
});

describe("alerts build --out", () => {
  test("refuses the repository, alerts/ and a foreign folder", async () => {
    const s = scratchRepository();
    const build = (out: string) => ["alerts", "build", "--out", out];
    await expectRefusal(s, build("."), ["it is the repository itself"]);
    await expectRefusal(s, build("alerts"), ["it is alerts/, a folder flyby reads from"]);
    await expectRefusal(s, build("../sibling"), ["it holds files flyby did not write (notes.txt)"]);
  });

  test("builds into the default folder twice, replacing its own generated manifest", async () => {
    const s = scratchRepository();
    expect((await runFlyby(["alerts", "build"], s.repo)).code).toBe(0);
    expect((await runFlyby(["alerts", "build"], s.repo)).code).toBe(0);
    expect(existsSync(join(s.repo, ".flyby", "alerts", outputMarker))).toBe(true);
  });

  test("refuses to overwrite a generated manifest a person rewrote without its header", async () => {
    const s = scratchRepository();
    writeFileSync(join(s.repo, "manifests/templates/observability/alerting.generated.yaml"), "# mine\n");
    await expectRefusal(
      s,
      ["alerts", "build"],
      ["alerting.generated.yaml", "the file exists and is not the generated alerting manifest"],
    );
  });
});

describe("bundle --out", () => {
  const bundle = (out: string) => ["bundle", "--env", "staging", "--out", out, "--commit", "abc"];

  test("refuses a file that is not a flyby bundle, a folder, and a path inside manifests/", async () => {
    const s = scratchRepository();
    await expectRefusal(s, bundle("README.md"), [
      `"README.md" (${join(s.repo, "README.md")})`,
      "the file exists and is not a flyby bundle",
    ]);
    await expectRefusal(s, bundle("manifests"), ["it is manifests/, a folder flyby reads from"]);
    await expectRefusal(s, bundle("manifests/bundle.json"), ["it is inside manifests/"]);
    await expectRefusal(s, bundle("../sibling"), ["it is a folder; give the path of a file"]);
  });
});

describe("paths are resolved as a shell user expects", () => {
  test("diff --against dir:/absolute reads that folder", async () => {
    const s = scratchRepository();
    const out = join(s.base, "hydrated");
    const rendered = await runFlyby(["render", "--env", "staging"], s.repo);
    mkdirSync(out);
    writeFileSync(join(out, "staging.yaml"), rendered.stdout);
    const run = await runFlyby(["diff", "--env", "staging", "--against", `dir:${out}`], s.repo);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
  });

  test("--kubeconfig is relative to the folder the command runs in", async () => {
    const s = scratchRepository();
    writeFileSync(
      join(s.repo, "kc.yaml"),
      [
        "apiVersion: v1",
        "kind: Config",
        "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]",
        "users: [{name: u, user: {token: t}}]",
        "contexts: [{name: here, context: {cluster: c, user: u}}]",
        "current-context: here",
        "",
      ].join("\n"),
    );
    const kc = ["--kubeconfig", "kc.yaml", "--context", "elsewhere"];
    const diff = await runFlyby(["diff", "--env", "staging", "--against", "cluster", ...kc], s.repo);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain(`no context "elsewhere" in ${join(s.repo, "kc.yaml")}`);
    const apply = await runFlyby(["apply", "--env", "staging", "--target", "cluster", ...kc], s.repo);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain(`no context "elsewhere" in ${join(s.repo, "kc.yaml")}`);
  });
});
