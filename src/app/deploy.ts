import { createHash } from "node:crypto";
import type { ApplyDeps } from "../apply/apply.ts";
import { applyEnvironment } from "../apply/apply.ts";
import type { ApplyTarget } from "../apply/port.ts";
import { parseAllowDestructive } from "../apply/prune.ts";
import { type ApplyReport, outcomeOf, type Summary, summarize } from "../apply/report.ts";
import { buildEnvironmentSecrets, secretVariables } from "../apply/secrets.ts";
import { UsageError } from "../core/errors.ts";
import { stageOf } from "../core/kube/kinds.ts";
import type { RenderedObject } from "../core/kube/object.ts";
import { gkeClusterPath, parseGkeClusterPath } from "../core/manifests/environments.ts";
import type { ManifestTree } from "../core/manifests/tree.ts";
import { parseTarget } from "../core/options.ts";
import type { Outcome } from "../core/outcome.ts";
import { renderToText } from "../core/render/output.ts";
import { renderChecked } from "../core/render/render-checked.ts";
import { resolveUserPath } from "../core/user-path.ts";
import type { DeployOptions } from "./deploy-options.ts";

/** The outside world a deploy talks to; `src/wiring/world.ts` builds the real one, tests their own. */
export interface DeployWorld {
  /** The repository root. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly apply: ApplyDeps;
  /** The repository's `manifests/` tree. */
  manifests(): ManifestTree;
  /** A hydrated-manifests folder as a target (`display` is the path as the person wrote it). */
  dirTarget(root: string, display: string): ApplyTarget;
  gkeTarget(path: string, requestTimeoutMs?: number): Promise<ApplyTarget>;
  kubeTarget(
    kubeconfig: string | undefined,
    context: string | undefined,
    requestTimeoutMs?: number,
  ): ApplyTarget;
}

export interface DeployResult {
  readonly reports: readonly ApplyReport[];
  /** What the runs found; the exit policy decides whether the deploy failed. */
  readonly outcome: Outcome;
  /** sha256 of the rendered YAML (without the Secrets built from the environment). */
  readonly sha256: string;
  readonly summary: Summary;
}

/** A cluster whose credentials could not be resolved: its report says why, the others go on. */
function unreachable(name: string, error: unknown): ApplyTarget {
  const fail = () => Promise.reject(error);
  return { name, list: fail, get: fail, apply: fail, delete: fail };
}

/** A GKE cluster's target, or, when it cannot be resolved, one whose every request fails with why. */
export function gkeTargetOrUnreachable(
  world: Pick<DeployWorld, "gkeTarget">,
  path: string,
  requestTimeoutMs?: number,
): Promise<ApplyTarget> {
  return world.gkeTarget(path, requestTimeoutMs).catch((e: unknown) => unreachable(`gke:${path}`, e));
}

function sortForApply(objects: readonly RenderedObject[]): RenderedObject[] {
  return [...objects].sort((a, b) => stageOf(a.object.kind) - stageOf(b.object.kind));
}

export interface PreparedDeploy {
  /** sha256 of the rendered YAML (without the Secrets built from the environment). */
  readonly sha256: string;
  /** The environment's `production` flag: GitHub records its Deployments as production ones. */
  readonly production: boolean;
  run(): Promise<DeployResult>;
}

/**
 * Renders the environment and checks the options and secrets; `run()` then applies to every
 * target in parallel, one report per target.
 */
export function prepareDeploy(options: DeployOptions, world: DeployWorld): PreparedDeploy {
  const allow = new Set(
    options.allowDestructive.map((v) => {
      try {
        return parseAllowDestructive(v);
      } catch (e) {
        throw new UsageError(`--allow-destructive ${(e as Error).message}`);
      }
    }),
  );
  const target = parseTarget(options.target, "target", ["dir", "cluster"] as const);
  const result = renderChecked(world.manifests(), options.env);
  const environment = result.environment;
  const rendered = options.objects ?? result.objects;
  const sha256 = createHash("sha256").update(renderToText(rendered)).digest("hex");
  const requestTimeoutMs = options.requestTimeout?.milliseconds;
  let makeTargets: () => Promise<ApplyTarget[]>;
  let objects: readonly RenderedObject[] = rendered;
  if (target.scheme === "dir") {
    if (!target.rest) throw new UsageError("--target dir:PATH needs a folder");
    if (options.gke.length > 0 || options.kubeconfig || options.context) {
      throw new UsageError("--gke, --kubeconfig and --context go with --target cluster");
    }
    // A folder is relative to where the command runs, like every path a person types.
    const root = resolveUserPath(options.workDir ?? world.cwd, target.rest);
    const dir = world.dirTarget(root, target.rest);
    makeTargets = async () => [dir];
  } else {
    const secrets = buildEnvironmentSecrets(
      rendered.map((r) => r.object),
      world.env,
    ).map((object) => ({
      object,
      source: { file: `environment (${secretVariables(object.metadata.name).join(", ")})` },
    }));
    objects = sortForApply([...rendered, ...secrets]);
    if (options.gke.length > 0) {
      if (options.context) throw new UsageError("--gke does not go with --context");
      const fleet = options.gke.includes("env") ? environment.clusters : [];
      const contexts = fleet.filter((c) => c.kind === "context");
      if (options.kubeconfig && contexts.length === 0) {
        throw new UsageError(
          "--gke does not go with --kubeconfig unless the environment lists kube contexts",
        );
      }
      const paths = [
        ...new Set([
          ...fleet.flatMap((c) => (c.kind === "gke" ? [gkeClusterPath(c)] : [])),
          ...options.gke.filter((g) => g !== "env").map(parseGkeClusterPath),
        ]),
      ];
      const kubeconfig = options.kubeconfig
        ? resolveUserPath(world.cwd, options.kubeconfig)
        : world.env.KUBECONFIG;
      makeTargets = () =>
        Promise.all([
          ...paths.map((p) => gkeTargetOrUnreachable(world, p, requestTimeoutMs)),
          // A context the kubeconfig lacks is bad input (exit 2), not an unreachable cluster.
          ...contexts.map(async (c) => world.kubeTarget(kubeconfig, c.context, requestTimeoutMs)),
        ]);
    } else {
      makeTargets = async () => [
        world.kubeTarget(
          options.kubeconfig ? resolveUserPath(world.cwd, options.kubeconfig) : world.env.KUBECONFIG,
          options.context,
          requestTimeoutMs,
        ),
      ];
    }
  }
  const request = {
    environment: environment.name,
    appNamespace: environment.appNamespace,
    namespaces: environment.namespaces,
    objects,
    prune: options.prune,
    wait: options.wait,
    timeoutMs: options.timeout.milliseconds,
    dryRun: options.dryRun,
    concurrency: options.concurrency,
    force: options.force,
    allowDestructive: allow,
    sha256,
  };
  return {
    sha256,
    production: environment.production,
    async run() {
      const targets = await makeTargets();
      const reports = await Promise.all(
        targets.map((t) =>
          applyEnvironment(t, request, {
            ...world.apply,
            progress: (line) => world.apply.progress(targets.length > 1 ? `${t.name}: ${line}` : line),
          }),
        ),
      );
      const summary = summarize(reports.flatMap((r) => r.objects));
      return { reports, outcome: outcomeOf(reports), sha256, summary };
    },
  };
}

export function deploy(options: DeployOptions, world: DeployWorld): Promise<DeployResult> {
  return prepareDeploy(options, world).run();
}
