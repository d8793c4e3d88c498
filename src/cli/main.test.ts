import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { repoRoot, runFlyby, scratchRepo } from "../testing/cli.ts";
import { commands } from "./commands/index.ts";
import { colorOn } from "./main.ts";

describe("the command-line contract", () => {
  test("flyby --help lists every command; no command at all is a usage error", async () => {
    const help = await runFlyby(["--help"], repoRoot);
    expect(help.code).toBe(0);
    for (const c of commands) expect(help.stdout).toContain(c.name);
    expect((await runFlyby([], repoRoot)).code).toBe(2);
  });

  for (const c of commands) {
    test(`${c.name}: --help exits 0 with its synopsis; an unknown flag exits 2`, async () => {
      const words = c.name.split(" ");
      const help = await runFlyby([...words, "--help"], repoRoot);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: flyby ${c.synopsis}`);
      expect(help.stdout).toContain("Exit codes:");
      const bad = await runFlyby([...words, "--no-such-flag"], repoRoot);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("--no-such-flag");
    });
  }
});

describe("a CLI that helps when you are wrong", () => {
  test("--version names the version, the commit and Bun", async () => {
    const run = await runFlyby(["--version"], repoRoot);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^flyby \d+\.\d+\.\d+ \(commit (?:[0-9a-f]{7,}|unknown), Bun \d+\.\d+\.\d+\)\n$/,
    );
  });

  test("a mistyped command, option or environment gets a suggestion, exit 2", async () => {
    const command = await runFlyby(["rendr", "--env", "staging"], repoRoot);
    expect([command.code, command.stderr.split("\n")[0]]).toEqual([
      2,
      'flyby: unknown command "rendr" (did you mean "render"?)',
    ]);
    const sub = await runFlyby(["alerts", "bild"], repoRoot);
    expect(sub.stderr).toContain('unknown command "alerts bild" (did you mean "alerts build"?)');
    const option = await runFlyby(["render", "--evn", "staging"], repoRoot);
    expect([option.code, option.stderr.split("\n")[0]]).toEqual([
      2,
      "flyby render: Unknown option '--evn' (did you mean --env?)",
    ]);
    const env = await runFlyby(["render", "--env", "stagign"], repoRoot);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('unknown environment "stagign" (did you mean "staging"?)');
  });

  test("help works as `help <command>`, `<group> --help` and `<command> --help`", async () => {
    const help = await runFlyby(["help", "diff"], repoRoot);
    expect([help.code, help.stdout.split("\n")[0]]).toEqual([
      0,
      `Usage: flyby ${commands.find((c) => c.name === "diff")?.synopsis}`,
    ]);
    const group = await runFlyby(["alerts", "--help"], repoRoot);
    expect(group.code).toBe(0);
    for (const sub of ["alerts build", "alerts check", "alerts test"]) expect(group.stdout).toContain(sub);
    expect(group.stdout).not.toContain("  render ");
    expect((await runFlyby(["help", "alerts", "test"], repoRoot)).stdout).toContain(
      "Usage: flyby alerts test",
    );
  });

  test("run from a subfolder, commands find the repository root; --repo DIR names another", async () => {
    const fromSrc = await runFlyby(["render", "--env", "staging"], join(repoRoot, "src", "cli"));
    const fromRoot = await runFlyby(["render", "--env", "staging"], repoRoot);
    expect(fromSrc.code).toBe(0);
    expect(fromSrc.stdout).toBe(fromRoot.stdout);
    const elsewhere = mkdtempSync(join(tmpdir(), "flyby-norepo-"));
    try {
      const named = await runFlyby(["--repo", repoRoot, "render", "--env", "staging"], elsewhere);
      expect(named.stdout).toBe(fromRoot.stdout);
      const missing = await runFlyby(["render", "--env", "staging"], elsewhere);
      expect(missing.code).toBe(2);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test("a relative path a person types is relative to the folder the command runs in, not the root", async () => {
    const repo = scratchRepo();
    try {
      const sub = join(repo, "manifests", "values");
      const run = await runFlyby(["render", "--env", "staging", "--out", "../../hydrated"], sub);
      expect(run.code).toBe(0);
      expect(existsSync(join(repo, "hydrated", ".flyby-output"))).toBe(true);
      const elsewhere = mkdtempSync(join(tmpdir(), "flyby-out-"));
      try {
        expect(
          (await runFlyby(["--repo", repo, "render", "--env", "staging", "--out", "here"], elsewhere)).code,
        ).toBe(0);
        expect(existsSync(join(elsewhere, "here", ".flyby-output"))).toBe(true);
        expect(existsSync(join(repo, "here"))).toBe(false);
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("with --json, an error is one JSON object on stderr with the code and the location", async () => {
    const run = await runFlyby(["render", "--env", "nope", "--json"], repoRoot);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        code: 2,
        message: 'unknown environment "nope"; manifests/environments.yaml defines: staging, production',
        location: "manifests/environments.yaml:4:1",
      },
    });
    const usage = JSON.parse((await runFlyby(["diff", "--json"], repoRoot)).stderr);
    expect(usage.error.code).toBe(2);
  });

  test("with --json, an error in a values file keeps its field path, as text mode does", async () => {
    const repo = scratchRepo();
    try {
      const values = join(repo, "manifests", "values", "staging.yaml");
      writeFileSync(values, readFileSync(values, "utf8").replace("replicas: 1", 'replicas: "many"'));
      const json = await runFlyby(["render", "--env", "staging", "--json"], repo);
      const { code, message, location, path } = JSON.parse(json.stderr).error;
      expect([json.code, code, message, location, path]).toEqual([
        2,
        2,
        "expected number, but got string",
        "manifests/values/staging.yaml:3:3",
        "api.replicas",
      ]);
      const text = await runFlyby(["render", "--env", "staging"], repo);
      expect(text.stderr).toContain("(at api.replicas)");
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  test("colour: --no-color and --json win, then NO_COLOR, FORCE_COLOR and the TTY", () => {
    const io = (env: Record<string, string>, tty: boolean) => ({ env, stdoutIsTTY: tty });
    expect(colorOn({}, io({}, true))).toBe(true);
    expect(colorOn({}, io({}, false))).toBe(false);
    expect(colorOn({}, io({ FORCE_COLOR: "1" }, false))).toBe(true);
    expect(colorOn({}, io({ FORCE_COLOR: "0" }, true))).toBe(false);
    expect(colorOn({}, io({ NO_COLOR: "1" }, true))).toBe(false);
    expect(colorOn({}, io({ NO_COLOR: "1", FORCE_COLOR: "1" }, false))).toBe(false);
    expect(colorOn({ "no-color": true }, io({ FORCE_COLOR: "1" }, true))).toBe(false);
    expect(colorOn({ json: true }, io({ FORCE_COLOR: "1" }, true))).toBe(false);
  });

  test("an option that takes one value, given twice, is a usage error naming it", async () => {
    const run = await runFlyby(["render", "--env", "staging", "--env", "production"], repoRoot);
    expect([run.code, run.stdout, run.stderr.split("\n")[0]]).toEqual([
      2,
      "",
      "flyby render: --env is given twice; it takes one value",
    ]);
  });

  test("--json with a --format that is not json is refused rather than one silently winning", async () => {
    const run = await runFlyby(
      ["diff", "--env", "staging", "--against", "git:HEAD", "--format", "markdown", "--json"],
      repoRoot,
    );
    expect([run.code, run.stdout, JSON.parse(run.stderr).error.message]).toEqual([
      2,
      "",
      "--json and --format markdown ask for two outputs; give one",
    ]);
  });

  test("help for an unknown subcommand is an error with a suggestion, exit 2", async () => {
    const run = await runFlyby(["help", "alerts", "biuld"], repoRoot);
    expect([run.code, run.stdout, run.stderr.split("\n")[0]]).toEqual([
      2,
      "",
      'flyby: unknown command "alerts biuld" (did you mean "alerts build"?)',
    ]);
  });

  test("no command, or a group without its subcommand, says what is missing on stderr, exit 2", async () => {
    const none = await runFlyby([], repoRoot);
    expect([none.code, none.stdout, none.stderr.split("\n")[0]]).toEqual([2, "", "flyby: missing command"]);
    expect(none.stderr).toContain("Commands:");
    const group = await runFlyby(["alerts"], repoRoot);
    expect([group.code, group.stdout, group.stderr.split("\n")[0]]).toEqual([
      2,
      "",
      "flyby: missing subcommand: alerts build, alerts check, or alerts test",
    ]);
  });

  test("--json and --no-color may come before the command", async () => {
    const alone = await runFlyby(["--json"], repoRoot);
    expect([alone.code, JSON.parse(alone.stderr).error.message]).toEqual([2, "missing command"]);
    const first = await runFlyby(["--json", "render", "--env", "nope"], repoRoot);
    expect([first.code, JSON.parse(first.stderr).error.location]).toEqual([
      2,
      "manifests/environments.yaml:4:1",
    ]);
    const plain = await runFlyby(["--no-color", "render", "--env", "staging"], repoRoot);
    expect(plain.code).toBe(0);
  });

  test("a timeout of zero is refused with the same words whichever timeout it is", async () => {
    const messages = [];
    for (const [option, value] of [
      ["--timeout", "0"],
      ["--timeout", "0s"],
      ["--request-timeout", "0s"],
      ["--request-timeout", "0"],
    ] as const) {
      const run = await runFlyby(
        ["apply", "--env", "staging", "--target", "cluster", option, value],
        repoRoot,
      );
      messages.push([run.code, run.stderr.split("\n")[0]]);
    }
    expect(messages).toEqual([
      [2, "flyby apply: --timeout must be longer than 0s"],
      [2, "flyby apply: --timeout must be longer than 0s"],
      [2, "flyby apply: --request-timeout must be longer than 0s"],
      [2, "flyby apply: --request-timeout must be longer than 0s"],
    ]);
  });

  test("deploy, promote and rollback, which always wait, describe --timeout without --wait", () => {
    for (const name of ["deploy", "promote", "rollback"]) {
      const timeout = commands.find((c) => c.name === name)?.options.timeout;
      expect({ name, description: timeout?.description }).toEqual({
        name,
        description: "how long the rollout wait lasts",
      });
    }
  });
});
