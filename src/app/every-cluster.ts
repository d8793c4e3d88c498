import { UsageError } from "../core/errors.ts";

/**
 * Whether `--gke env` asks for every cluster of the environment, each with its own answer. Where
 * `envOnly` (smoke, status, drift, diff), `--gke` takes nothing else; a release may also name the
 * GKE clusters to apply to. `--context` names one cluster, so it does not go with `env`.
 * `label` spells an option as the edge does: `--gke` on the command line, `gke` in an action.
 */
export function everyClusterAsked(
  gke: unknown,
  contextGiven: boolean,
  envOnly: boolean,
  label: (option: string) => string = (o) => `--${o}`,
): boolean {
  const values = Array.isArray(gke) ? gke : typeof gke === "string" ? [gke] : [];
  if (envOnly && values.some((v) => v !== "env")) {
    throw new UsageError(
      `${label("gke")} takes "env" here (every cluster of the environment), not "${values.join(", ")}"`,
    );
  }
  if (!values.includes("env")) return false;
  if (contextGiven) throw new UsageError(`${label("gke")} env does not go with ${label("context")}`);
  return true;
}
