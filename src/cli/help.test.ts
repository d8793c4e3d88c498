import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { stackManifestPath } from "../alerts/stack-manifest.ts";
import { repoRoot } from "../testing/cli.ts";
import type { Command } from "./command.ts";
import { generatedManifest } from "./commands/alerts.meta.ts";
import { commands } from "./commands/index.ts";
import { commandHelp } from "./help.ts";
import { parseCommandLine } from "./main.ts";

const commandsDir = join(repoRoot, "src/cli/commands");

/** Each `<x>.meta.ts` with the commands it declares, beside `<x>.ts`, their implementation. */
async function metaFiles(): Promise<{ implementation: string; commands: Command[] }[]> {
  const files = readdirSync(commandsDir).filter((f) => f.endsWith(".meta.ts"));
  return Promise.all(
    files.map(async (f) => {
      const module = (await import(join(commandsDir, f))) as Record<string, unknown>;
      const declared = Object.values(module).filter((v) => commands.includes(v as Command)) as Command[];
      return { implementation: join(commandsDir, f.replace(".meta.ts", ".ts")), commands: declared };
    }),
  );
}

describe("every default shown in help is the one used", () => {
  test("descriptions never state a default themselves: help shows it from the option's default", () => {
    const stated = commands.flatMap((c) =>
      Object.entries(c.options)
        .filter(([, o]) => /\bdefault\b/i.test(o.description))
        .map(([name]) => `${c.name} --${name}`),
    );
    expect(stated).toEqual([]);
  });

  for (const c of commands) {
    const defaulted = Object.entries(c.options).filter(([, o]) => o.default !== undefined);
    if (defaulted.length === 0) continue;
    test(`${c.name}: ${defaulted.map(([n]) => `--${n}`).join(", ")} parse to the default help shows`, () => {
      const help = commandHelp(c);
      const values: Record<string, unknown> = parseCommandLine(c.name.split(" ")).values;
      for (const [name, o] of defaulted) {
        const shown = typeof o.default === "string" ? o.default : o.default?.join(", ");
        expect(help).toContain(`(default ${shown})`);
        expect({ [name]: values[name] }).toEqual({ [name]: o.default as string | string[] });
      }
    });
  }

  test("no implementation falls back to a value of its own for an option that has a default", async () => {
    const fallbacks: string[] = [];
    for (const { implementation, commands: declared } of await metaFiles()) {
      const source = readFileSync(implementation, "utf8");
      for (const c of declared)
        for (const [name, o] of Object.entries(c.options)) {
          const read = new RegExp(`(?:string|path)Option\\(ctx, "${name}"\\)\\s*\\?\\?`);
          if (o.default !== undefined && read.test(source)) fallbacks.push(`${c.name} --${name}`);
        }
    }
    expect(fallbacks).toEqual([]);
  });

  test("the meta files declare every command, so the check above reads every implementation", async () => {
    const declared = (await metaFiles()).flatMap((m) => m.commands);
    expect(declared.map((c) => c.name).sort()).toEqual(commands.map((c) => c.name).sort());
  });

  test("alerts build's help names the file alerts/stack-manifest.ts writes", () => {
    expect(generatedManifest).toBe(stackManifestPath);
  });
});

describe("environments are data: the texts speak of the promotion chain, not of named environments", () => {
  const environments = Object.keys(
    parse(readFileSync(join(repoRoot, "manifests/environments.yaml"), "utf8")).environments,
  );
  // A quoted word is a JSON field (environments --json has "production", the flag), not a name.
  const naming = new RegExp(`(?<!")\\b(?:${environments.join("|")})\\b(?!")`, "i");

  test("no command's help names an environment of manifests/environments.yaml", () => {
    const named = commands.filter((c) => naming.test(commandHelp(c))).map((c) => c.name);
    expect(named).toEqual([]);
  });

  test("no action's description, input or output names one either", () => {
    const actionsDir = join(repoRoot, "actions");
    const named = readdirSync(actionsDir).flatMap((action) => {
      const spec = parse(readFileSync(join(actionsDir, action, "action.yml"), "utf8"));
      const fields = [
        ["description", spec.description],
        ...(["inputs", "outputs"] as const).flatMap((kind) =>
          Object.entries(spec[kind] ?? {}).flatMap(([name, io]) =>
            Object.entries(io as Record<string, unknown>)
              .filter(([key]) => key === "description" || key === "default")
              .map(([key, text]) => [`${kind}.${name}.${key}`, text]),
          ),
        ),
      ];
      return fields.filter(([, text]) => naming.test(String(text))).map(([field]) => `${action}: ${field}`);
    });
    expect(named).toEqual([]);
  });
});
