/**
 * What the alert rules need to know about the deployed stack, read from each environment's
 * values: the GPUs the workers run on, the Prometheus that evaluates the rules, and where
 * each environment's alerts are delivered. `alerts/` builds its thresholds and receivers from
 * these facts, so a changed GPU model or retention size changes the generated rules.
 * Pure: it reads a ManifestTree, never the disk.
 */
import { Duration } from "../duration.ts";
import { InputError } from "../errors.ts";
import { type Environment, loadEnvironments } from "../manifests/environments.ts";
import type { ManifestTree } from "../manifests/tree.ts";
import { loadValues, type Values } from "../manifests/values.ts";

const gib = 2 ** 30;

export interface EnvironmentFacts {
  /** The value of the `environment` label on this environment's series and alerts. */
  readonly name: string;
  /** The namespace its application runs in. */
  readonly namespace: string;
  /** `production: true` in environments.yaml: its alerts page people. */
  readonly production: boolean;
  /** `alerting.receiverUrl`: the edge receiver's Alertmanager endpoint for this environment. */
  readonly receiverUrl: string;
  readonly gpu: {
    /** GPUs per worker pod. */
    readonly count: number;
    /** Framebuffer of one GPU, in bytes (`worker.gpu.memoryGiB`). */
    readonly memoryBytes: number;
  };
}

/** The shared Prometheus and Alertmanager, rendered by the environment that owns their namespace. */
export interface ObservabilityFacts {
  /** The environment that renders the stack: Prometheus's own series and alerts are labelled with it. */
  readonly environment: string;
  readonly namespace: string;
  readonly scrapeInterval: Duration;
  /** `prometheus.retentionSize` in bytes (Prometheus reads `GB` as GiB). */
  readonly retentionSizeBytes: number;
}

export interface StackFacts {
  readonly environments: readonly EnvironmentFacts[];
  readonly observability: ObservabilityFacts;
}

const sizeUnits: Record<string, number> = {
  B: 1,
  KB: 2 ** 10,
  MB: 2 ** 20,
  GB: 2 ** 30,
  TB: 2 ** 40,
  PB: 2 ** 50,
};

/** A Prometheus size such as `10GB`, in bytes (base 2, as Prometheus reads it). */
export function parseSize(size: string): number {
  const m = /^([0-9]+)(B|KB|MB|GB|TB|PB)$/.exec(size);
  if (!m) throw new RangeError(`"${size}" is not a size such as 10GB`);
  return Number(m[1]) * (sizeUnits[m[2] as string] as number);
}

function environmentFacts(tree: ManifestTree, env: Environment, values: Values): EnvironmentFacts {
  const receiverUrl = values.alerting?.receiverUrl;
  if (receiverUrl === undefined) {
    const file = env.values.at(-1) ?? "values";
    throw new InputError(
      `environment "${env.name}" sets no alerting.receiverUrl: its alerts would go nowhere (set it to the edge receiver's /alertmanager URL)`,
      { file: `${tree.displayRoot}/${file}` },
      "alerting.receiverUrl",
    );
  }
  return {
    name: env.name,
    namespace: env.appNamespace,
    production: env.production,
    receiverUrl,
    gpu: { count: values.worker.gpu.count, memoryBytes: values.worker.gpu.memoryGiB * gib },
  };
}

/**
 * The stack's facts from every environment's values. `observabilityNamespace` is where
 * Prometheus and Alertmanager run; the environment that owns it renders them.
 */
export function stackFacts(tree: ManifestTree, observabilityNamespace = "observability"): StackFacts {
  const envs = loadEnvironments(tree);
  const loaded = envs.all.map((env) => ({ env, values: loadValues(tree, envs, env) }));
  const owner = loaded.find((l) => l.env.namespaces.includes(observabilityNamespace));
  if (!owner) {
    throw new InputError(
      `no environment owns the ${observabilityNamespace} namespace, so none renders Prometheus and Alertmanager`,
      { file: `${tree.displayRoot}/environments.yaml` },
    );
  }
  return {
    environments: loaded.map((l) => environmentFacts(tree, l.env, l.values)),
    observability: {
      environment: owner.env.name,
      namespace: observabilityNamespace,
      scrapeInterval: Duration.parse(owner.values.scrapeInterval),
      retentionSizeBytes: parseSize(owner.values.prometheus.retentionSize),
    },
  };
}
