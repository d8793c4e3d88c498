import { z } from "zod";
import { InputError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";
import { parseUserYaml } from "../yaml/user-yaml.ts";
import { parseWithSchema } from "./schema-errors.ts";
import { displayPath, ManifestPaths, type ManifestTree } from "./tree.ts";

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-'")
  .max(63);

const Cluster = z
  .object({
    project: z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id"),
    location: z.string().min(1),
    name: dnsLabel,
  })
  .strict();

const Environment = z
  .object({
    description: z.string().optional(),
    clusters: z.array(Cluster).min(1),
    /** Namespaces this environment owns: only objects in them (and these Namespaces) render. */
    namespaces: z.array(dnsLabel).min(1),
    /** The namespace its API and Worker run in. */
    appNamespace: dnsLabel,
    /** Whether it owns cluster-scoped objects other than its Namespaces (ClusterRoles…). */
    clusterScoped: z.boolean().default(false),
    /** Values files, relative to the manifests folder, merged in order. */
    values: z.array(z.string().min(1)).min(1),
    /** Images must be pinned by digest (an error) rather than preferably (a warning). */
    requireImageDigests: z.boolean().default(false),
  })
  .strict()
  .refine((e) => e.namespaces.includes(e.appNamespace), {
    message: "appNamespace must be one of the environment's namespaces",
    path: ["appNamespace"],
  });

const EnvironmentsFile = z
  .object({
    environments: z.record(dnsLabel, Environment).refine((r) => Object.keys(r).length > 0, {
      message: "at least one environment is required",
    }),
  })
  .strict();

export type Cluster = z.infer<typeof Cluster>;
export interface Environment extends z.infer<typeof Environment> {
  readonly name: string;
}

export function gkeClusterPath(c: Cluster): string {
  return `projects/${c.project}/locations/${c.location}/clusters/${c.name}`;
}

export interface Environments {
  readonly all: readonly Environment[];
  get(name: string): Environment;
  /** Where an environment's `values` list is written, for errors about its files. */
  valuesLocation(name: string, index: number): ReturnType<ReturnType<typeof parseUserYaml>["locate"]>;
}

export function loadEnvironments(tree: ManifestTree): Environments {
  const path = ManifestPaths.environments;
  const file = displayPath(tree, path);
  const text = tree.files.get(path);
  if (text === undefined) throw new InputError("the environments file is missing", { file });
  const source = parseUserYaml(file, text);
  const parsed = parseWithSchema(EnvironmentsFile, source);
  const owners = new Map<string, string>();
  for (const [name, env] of Object.entries(parsed.environments)) {
    for (const ns of env.namespaces) {
      const other = owners.get(ns);
      if (other) {
        throw new InputError(
          `namespace "${ns}" is owned by both "${other}" and "${name}"; each namespace belongs to one environment`,
          source.locate(["environments", name, "namespaces", env.namespaces.indexOf(ns)]),
        );
      }
      owners.set(ns, name);
    }
  }
  const all = Object.entries(parsed.environments)
    .map(([name, env]) => ({ ...env, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    all,
    get(name) {
      const env = all.find((e) => e.name === name);
      if (!env) {
        throw new InputError(
          `unknown environment "${name}"${didYouMean(
            name,
            all.map((e) => e.name),
          )}; ${file} defines: ${all.map((e) => e.name).join(", ")}`,
          source.locate(["environments"]),
        );
      }
      return env;
    },
    valuesLocation(name, index) {
      return source.locate(["environments", name, "values", index]);
    },
  };
}
