import { Duration } from "./duration.ts";
import { UsageError } from "./errors.ts";
import { didYouMean } from "./suggest.ts";
import { resolveUserPath } from "./user-path.ts";

/**
 * The command-line contract's options, read the same way by every edge that takes them: the
 * CLI from its arguments, an action from its inputs.
 */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly description: string;
  /** Shown in help after the flag, e.g. `--env E`. */
  readonly valueName?: string;
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value used when the option is not given; the parser fills it in and help shows it. */
  readonly default?: string | readonly string[];
  /** Where the value comes from when the option is not given and no fixed value applies. */
  readonly defaultFrom?: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

/** Option values, and the folder the paths among them are relative to. */
export interface OptionSource {
  readonly options: OptionValues;
  /** The folder the command was run in: paths a person typed are relative to it. */
  readonly workDir: string;
}

export function stringOption(ctx: OptionSource, name: string): string | undefined {
  const v = ctx.options[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw new UsageError(`--${name} takes a value`);
  if (v.length === 0) throw new UsageError(`--${name} must not be empty`);
  return v;
}

/** An option that names a file or folder, resolved as a shell user expects (see resolveUserPath). */
export function pathOption(ctx: OptionSource, name: string): string | undefined {
  const v = stringOption(ctx, name);
  return v === undefined ? undefined : userPath(ctx, v);
}

/** A path a person typed, resolved against the folder the command was run in. */
export function userPath(ctx: OptionSource, path: string): string {
  return resolveUserPath(ctx.workDir, path);
}

export function requiredString(ctx: OptionSource, name: string, valueName = "VALUE"): string {
  const v = stringOption(ctx, name);
  if (v === undefined) throw new UsageError(`--${name} ${valueName} is required`);
  return v;
}

export function flag(ctx: OptionSource, name: string): boolean {
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
  const spelled = schemes.map((s) => (s === "cluster" ? s : `${s}:…`));
  if (!schemes.includes(scheme)) {
    throw new UsageError(
      `--${flagName} "${value}" is not one of: ${spelled.join(", ")}${didYouMean(scheme, schemes)}`,
    );
  }
  const rest = colon < 0 ? "" : value.slice(colon + 1);
  // `cluster` takes nothing after it: the cluster is chosen with --kubeconfig/--context or --gke.
  if (scheme === "cluster" && colon >= 0) {
    throw new UsageError(
      `--${flagName} "${value}": write "cluster" alone and choose the cluster with --context C (or --gke)`,
    );
  }
  return { scheme, rest };
}

/**
 * A timeout option: a duration longer than zero. A bare `0` (Go's way of writing no time) gets
 * the same answer as `0s` rather than "not a duration". `label` is how messages name the option
 * (an action names its input).
 */
export function timeoutOption(ctx: OptionSource, name: string, label = `--${name}`): Duration {
  const text = requiredString(ctx, name, "D");
  const timeout = /^0+$/.test(text) ? Duration.ofMilliseconds(0) : Duration.parse(text, label);
  if (timeout.milliseconds <= 0) throw new UsageError(`${label} must be longer than 0s`);
  return timeout;
}

/** `--request-timeout D`: how long one request to the cluster may take. */
export function requestTimeoutOf(ctx: OptionSource): Duration {
  return timeoutOption(ctx, "request-timeout");
}

/** `--kubeconfig P` and `--context C`, as every command that talks to a cluster takes them. */
export const kubeOptions = {
  kubeconfig: {
    type: "string",
    valueName: "P",
    description: "kubeconfig file",
    defaultFrom: "$KUBECONFIG, else ~/.kube/config, else the in-cluster service account",
  },
  context: { type: "string", valueName: "C", description: "kubeconfig context to use" },
} as const satisfies Record<string, OptionSpec>;

/** `--request-timeout D`, for the commands that send requests to a cluster through a kubeconfig. */
export const requestTimeoutOptions = {
  "request-timeout": {
    type: "string",
    valueName: "D",
    description: "how long one request to the cluster may take",
    default: "30s",
  },
} as const satisfies Record<string, OptionSpec>;

/** The values the parser fills in for options that are not given, for callers that skip the parser. */
export function optionDefaults(options: Readonly<Record<string, OptionSpec>>): OptionValues {
  return Object.fromEntries(
    Object.entries(options).flatMap(([name, o]) =>
      o.default === undefined ? [] : [[name, typeof o.default === "string" ? o.default : [...o.default]]],
    ),
  );
}
