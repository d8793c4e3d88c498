import type { Duration } from "../core/duration.ts";
import { UsageError } from "../core/errors.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import {
  flag,
  kubeOptions,
  type OptionSource,
  type OptionSpec,
  pathOption,
  requestTimeoutOf,
  requestTimeoutOptions,
  requiredString,
  stringOption,
  timeoutOption,
} from "../core/options.ts";

/** The deploy's options as the contract names them: `apply`'s flags and the deploy action's inputs. */
export const deployOptionSpecs = {
  env: { type: "string", valueName: "E", description: "the environment (see manifests/environments.yaml)" },
  target: { type: "string", valueName: "dir:PATH|cluster", description: "where to apply" },
  ...kubeOptions,
  ...requestTimeoutOptions,
  gke: {
    type: "string",
    valueName: "projects/P/locations/L/clusters/C",
    multiple: true,
    description: "a GKE cluster (repeatable), or env for all of the environment's clusters",
  },
  prune: { type: "boolean", description: "delete inventory objects that are no longer rendered" },
  wait: { type: "boolean", description: "wait for rollouts" },
  timeout: { type: "string", valueName: "D", description: "how long --wait waits", default: "5m" },
  "dry-run": { type: "boolean", description: "ask the server what would change; write nothing" },
  concurrency: {
    type: "string",
    valueName: "N",
    description: "requests in flight within a stage",
    default: "32",
  },
  "force-conflicts": { type: "boolean", description: "take over fields another field manager owns" },
  "allow-destructive": {
    type: "string",
    valueName: "REF",
    multiple: true,
    description: "let --prune delete this object (KIND/NS/NAME), past the guards",
  },
} as const satisfies Record<string, OptionSpec>;

export interface DeployOptions {
  readonly env: string;
  /** `dir:PATH` or `cluster`. */
  readonly target: string;
  /** Where a relative `dir:PATH` starts (default the repository root). */
  readonly workDir?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /** GKE cluster paths; `env` stands for every cluster of the environment. */
  readonly gke: readonly string[];
  readonly prune: boolean;
  readonly wait: boolean;
  readonly timeout: Duration;
  /** How long one request to a cluster may take (default 30 s). */
  readonly requestTimeout?: Duration;
  readonly dryRun: boolean;
  readonly concurrency: number;
  readonly force: boolean;
  readonly allowDestructive: readonly string[];
  /** Objects to apply instead of the environment's render: a release bundle's. */
  readonly objects?: readonly RenderedObject[];
}

/** The deploy options from the contract's option values (`apply`'s flags, or the deploy action's inputs). */
export function deployOptionsOf(ctx: OptionSource): DeployOptions {
  const concurrencyText = requiredString(ctx, "concurrency", "N");
  const concurrency = Number(concurrencyText);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new UsageError(`--concurrency "${concurrencyText}" must be a whole number from 1 to 256`);
  }
  const list = (name: string) => {
    const v = ctx.options[name];
    return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
  };
  const requestTimeout = requestTimeoutOf(ctx);
  const kubeconfig = pathOption(ctx, "kubeconfig");
  const context = stringOption(ctx, "context");
  return {
    env: requiredString(ctx, "env", "E"),
    target: requiredString(ctx, "target", "dir:PATH|cluster"),
    workDir: ctx.workDir,
    ...(kubeconfig ? { kubeconfig } : {}),
    ...(context ? { context } : {}),
    gke: list("gke"),
    prune: flag(ctx, "prune"),
    wait: flag(ctx, "wait"),
    timeout: timeoutOption(ctx, "timeout"),
    requestTimeout,
    dryRun: flag(ctx, "dry-run"),
    concurrency,
    force: flag(ctx, "force-conflicts"),
    allowDestructive: list("allow-destructive"),
  };
}
