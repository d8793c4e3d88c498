import { z } from "zod";
import { InputError } from "../errors.ts";
import { parseUserYaml, type UserYaml } from "../yaml/user-yaml.ts";
import type { Environment, Environments } from "./environments.ts";
import { parseWithSchema } from "./schema-errors.ts";
import { displayPath, type ManifestTree } from "./tree.ts";

const quantity = z.union([
  z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|M|G|T)?$/),
  z.number().nonnegative(),
]);
const resourceList = z.object({ cpu: quantity, memory: quantity }).strict();
const Resources = z.object({ requests: resourceList, limits: resourceList }).strict();
const duration = z
  .string()
  .regex(/^([0-9]+(ms|s|m|h|d|w|y))+$/, "must be a duration such as 15s, 15d or 1h30m");

const Image = z
  .object({
    repository: z
      .string()
      .regex(/^[a-z0-9]([a-z0-9._/-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/, "must be an image repository"),
    tag: z
      .string()
      .regex(/^[\w][\w.-]{0,127}$/, "must be an image tag")
      .optional(),
    digest: z
      .string()
      .regex(/^sha256:[a-f0-9]{64}$/, "must be sha256: followed by 64 hex digits")
      .optional(),
  })
  .strict()
  .refine((i) => i.tag !== undefined || i.digest !== undefined, {
    message: "an image needs a tag or a digest",
  });

const Toleration = z
  .object({
    key: z.string(),
    operator: z.enum(["Exists", "Equal"]),
    value: z.string().optional(),
    effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]),
  })
  .strict();

const port = z.number().int().min(1).max(65535);
const replicas = z.number().int().min(0).max(100);

const Service = z
  .object({
    image: Image,
    replicas,
    resources: Resources,
    /** The port the application serves on; /metrics is always on metricsPort. */
    httpPort: port.optional(),
    metricsPort: port,
    env: z.record(z.string().regex(/^[A-Z_][A-Z0-9_]*$/), z.string()).default({}),
  })
  .strict();

const Gpu = z
  .object({
    count: z.number().int().min(0).max(16),
    resourceName: z.string().default("nvidia.com/gpu"),
    /** Framebuffer of one GPU: the smoke checks hold memory used within it. */
    memoryGiB: z.number().positive(),
    nodeSelector: z.record(z.string(), z.string()).default({}),
    tolerations: z.array(Toleration).default([]),
    /** dcgm-exporter also exposes these GPUs (its DCGM_FI_DEV_* metrics get checked). */
    dcgmExporter: z.boolean().default(false),
  })
  .strict();

export const Values = z
  .object({
    partOf: z.string().regex(/^[a-z0-9-]+$/),
    scrapeInterval: duration,
    /** Labels dropped from every scraped series: sensitive or high-cardinality ones. */
    dropLabels: z.array(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/)).min(1),
    prometheus: z
      .object({
        image: Image,
        resources: Resources,
        retentionTime: duration,
        retentionSize: z.string().regex(/^[0-9]+(B|KB|MB|GB|TB|PB)$/, "must be a size such as 10GB"),
        storageSize: quantity,
        storageClassName: z.string().optional(),
      })
      .strict(),
    grafana: z
      .object({
        image: Image,
        resources: Resources,
        storageSize: quantity,
        storageClassName: z.string().optional(),
        serviceType: z.enum(["ClusterIP", "LoadBalancer", "NodePort"]),
        /** The Secret that holds admin-user and admin-password; built at deploy time, never in git. */
        adminSecret: z.string().regex(/^[a-z0-9-]+$/),
      })
      .strict(),
    alertmanager: z.object({ image: Image, resources: Resources }).strict(),
    /** Where this environment's alerts are delivered: the edge receiver's Alertmanager endpoint. */
    alerting: z
      .object({
        receiverUrl: z
          .string()
          .url()
          .regex(/^https?:\/\//, "must be an http(s) URL"),
      })
      .strict()
      .optional(),
    nats: z.object({ namespace: z.string(), selector: z.record(z.string(), z.string()), port }).strict(),
    api: Service.extend({ httpPort: port }),
    worker: Service.extend({ gpu: Gpu }),
  })
  .strict();

export type Values = z.infer<typeof Values>;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Later files win; mappings merge key by key, lists and scalars are replaced whole. */
export function mergeValues(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? mergeValues(base[k], v) : v;
  return out;
}

/**
 * Loads an environment's values files in order, merges them and checks the result.
 * A schema error names the field path and the last file that sets it.
 */
export function loadValues(tree: ManifestTree, envs: Environments, env: Environment): Values {
  const sources: UserYaml[] = env.values.map((rel, i) => {
    const text = tree.files.get(rel);
    if (text === undefined) {
      throw new InputError(
        `values file ${displayPath(tree, rel)} does not exist (listed for environment "${env.name}")`,
        envs.valuesLocation(env.name, i),
      );
    }
    return parseUserYaml(displayPath(tree, rel), text);
  });
  let merged: unknown = {};
  for (const s of sources) merged = mergeValues(merged, s.data ?? {});
  const mergedSource: UserYaml = {
    file: sources.at(-1)?.file ?? env.name,
    data: merged,
    // Blame the last file that writes most of the field path.
    locate(path) {
      let best = sources.at(-1) as UserYaml;
      for (const s of sources) if (s.depth(path) >= best.depth(path)) best = s;
      return best.locate(path);
    },
    depth: (path) => Math.max(...sources.map((s) => s.depth(path))),
  };
  return parseWithSchema(Values, mergedSource);
}
