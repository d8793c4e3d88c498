import { resolveUserPath } from "../adapters/user-path.ts";
import { UsageError } from "../core/errors.ts";
import type { CommandContext, OptionSpec } from "./command.ts";

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.options[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new UsageError(`--${name} takes a value`);
  if (v.length === 0) throw new UsageError(`--${name} must not be empty`);
  return v;
}

/** An option that names a file or folder, resolved as a shell user expects (see resolveUserPath). */
export function pathOption(ctx: CommandContext, name: string): string | undefined {
  const v = stringOption(ctx, name);
  return v === undefined ? undefined : resolveUserPath(ctx.cwd, v);
}

export function requiredString(ctx: CommandContext, name: string, valueName = "VALUE"): string {
  const v = stringOption(ctx, name);
  if (v === undefined) throw new UsageError(`--${name} ${valueName} is required`);
  return v;
}

export function flag(ctx: CommandContext, name: string): boolean {
  return ctx.options[name] === true;
}

/** Parses `scheme:rest` values such as `git:main`, `dir:out/` or `cluster`. */
export function parseTarget<S extends string>(
  value: string,
  flagName: string,
  schemes: readonly S[],
): { scheme: S; rest: string } {
  const colon = value.indexOf(":");
  const scheme = (colon < 0 ? value : value.slice(0, colon)) as S;
  if (!schemes.includes(scheme)) {
    throw new UsageError(
      `--${flagName} "${value}" is not one of: ${schemes.map((s) => `${s}:…`).join(", ")}`,
    );
  }
  return { scheme, rest: colon < 0 ? "" : value.slice(colon + 1) };
}

/** `--kubeconfig P` and `--context C`, as every command that talks to a cluster takes them. */
export const kubeOptions = {
  kubeconfig: {
    type: "string",
    valueName: "P",
    description: "kubeconfig file (default $KUBECONFIG, ~/.kube/config)",
  },
  context: { type: "string", valueName: "C", description: "kubeconfig context to use" },
} as const satisfies Record<string, OptionSpec>;
