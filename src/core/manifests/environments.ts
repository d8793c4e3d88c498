import { z } from "zod";

import { InputError, UsageError } from "../errors.ts";
import { didYouMean } from "../suggest.ts";
import { parseUserYaml, type UserYaml } from "../yaml/user-yaml.ts";
import { parseWithSchema } from "./schema-errors.ts";
import { displayPath, ManifestPaths, type ManifestTree } from "./tree.ts";

const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS label: lower-case letters, digits and '-'")
  .max(63);

const gcpProject = z.string().regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/, "must be a GCP project id");

/**
 * A cluster is a GKE cluster (`project`, `location`, `name`) or a context of the kubeconfig
 * the command is given (`name`, `context`); `name` names it in reports either way.
 */
const ClusterEntry = z
  .object({
    name: dnsLabel,
    project: gcpProject.optional(),
    location: z.string().min(1).optional(),
    context: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const gke = c.project !== undefined || c.location !== undefined;
    if (gke && c.context !== undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "a cluster is either a GKE cluster (project, location, name) or a kube context (name, context), not both",
        path: ["context"],
      });
    } else if (!gke && c.context === undefined) {
      ctx.addIssue({
        code: "custom",
        message: "a cluster needs project and location (GKE) or context (a kubeconfig context)",
        path: ["name"],
      });
    } else if (gke && (c.project === undefined || c.location === undefined)) {
      ctx.addIssue({
        code: "custom",
        message: "a GKE cluster needs both project and location",
        path: [c.project === undefined ? "project" : "location"],
      });
    }
  })
  .transform(
    (c): Cluster =>
      c.context !== undefined
        ? { kind: "context", name: c.name, context: c.context }
        : { kind: "gke", name: c.name, project: c.project as string, location: c.location as string },
  );

export type Cluster =
  | { readonly kind: "gke"; readonly name: string; readonly project: string; readonly location: string }
  | { readonly kind: "context"; readonly name: string; readonly context: string };

const Environment = z
  .object({
    description: z.string().optional(),
    clusters: z.array(ClusterEntry).min(1),
    /** The environment whose verified bundles this one takes; the first of the chain has none. */
    promotesFrom: dnsLabel.optional(),
    /** GitHub marks its Deployments as production ones. */
    production: z.boolean().default(false),
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
  })
  .superRefine((e, ctx) => {
    const seen = new Set<string>();
    for (const [i, c] of e.clusters.entries()) {
      if (seen.has(c.name))
        ctx.addIssue({
          code: "custom",
          message: `two clusters are named "${c.name}"; each cluster of an environment has its own name`,
          path: ["clusters", i, "name"],
        });
      seen.add(c.name);
    }
  });

const EnvironmentsFile = z
  .object({
    environments: z.record(dnsLabel, Environment).refine((r) => Object.keys(r).length > 0, {
      message: "at least one environment is required",
    }),
  })
  .strict();

export interface Environment extends z.infer<typeof Environment> {
  readonly name: string;
}

export function gkeClusterPath(c: Extract<Cluster, { kind: "gke" }>): string {
  return `projects/${c.project}/locations/${c.location}/clusters/${c.name}`;
}

export interface Environments {
  /** Sorted by name. */
  readonly all: readonly Environment[];
  /**
   * The promotion chain from its first environment on; environments promoted from the same one by
   * name. The chain is checked when first read (InputError at its file:line), not on load: a tree
   * from before the chain existed still renders (diff's git: base, plan's base).
   */
  readonly promotionOrder: readonly Environment[];
  get(name: string): Environment;
  /** The environment `name` promotes from (undefined for the chain's start), once the chain is checked. */
  promotionSource(name: string): string | undefined;
  /** Where an environment's `values` list is written, for errors about its files. */
  valuesLocation(name: string, index: number): ReturnType<ReturnType<typeof parseUserYaml>["locate"]>;
}

/**
 * Checks the promotion chain (every `promotesFrom` names another environment, one
 * environment starts it, no cycle) and returns the environments in promotion order.
 */
function promotionOrder(all: readonly Environment[], source: UserYaml, file: string): Environment[] {
  const names = all.map((e) => e.name);
  const at = (name: string) => source.locate(["environments", name, "promotesFrom"]);
  for (const env of all) {
    const from = env.promotesFrom;
    if (from === undefined) continue;
    if (from === env.name) throw new InputError(`"${env.name}" promotes from itself`, at(env.name));
    if (!names.includes(from)) {
      throw new InputError(
        `"${env.name}" promotes from unknown environment "${from}"${didYouMean(from, names)}; ${file} defines: ${names.join(", ")}`,
        at(env.name),
        `environments.${env.name}.promotesFrom`,
      );
    }
  }
  const roots = all.filter((e) => e.promotesFrom === undefined);
  if (roots.length > 1) {
    const second = roots[1] as Environment;
    throw new InputError(
      `the promotion chain has ${roots.length} starts (${roots.map((e) => e.name).join(", ")}); every environment but the first names the one it promotes from (promotesFrom)`,
      source.locate(["environments", second.name]),
    );
  }
  const order: Environment[] = [...roots];
  for (let i = 0; i < order.length; i++) {
    const parent = order[i] as Environment;
    order.push(...all.filter((e) => e.promotesFrom === parent.name));
  }
  const cycle = all.find((e) => !order.includes(e));
  if (cycle) {
    const loop = [cycle.name];
    for (let e = cycle.promotesFrom; e !== undefined && !loop.includes(e); ) {
      loop.push(e);
      e = all.find((x) => x.name === e)?.promotesFrom;
    }
    throw new InputError(
      `the promotion chain has a cycle: ${[...loop].reverse().join(" → ")} → ${loop.at(-1)}; one environment must promote from none`,
      at(cycle.name),
    );
  }
  return order;
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
  let ordered: Environment[] | undefined;
  const chain = () => {
    ordered ??= promotionOrder(all, source, file);
    return ordered;
  };
  // Names in promotion order while the chain holds; by name when it does not.
  const listed = () => {
    try {
      return chain();
    } catch {
      return all;
    }
  };
  return {
    all,
    get promotionOrder() {
      return chain();
    },
    promotionSource(name) {
      const env = this.get(name);
      chain();
      return env.promotesFrom;
    },
    get(name) {
      const env = all.find((e) => e.name === name);
      if (!env) {
        throw new InputError(
          `unknown environment "${name}"${didYouMean(
            name,
            all.map((e) => e.name),
          )}; ${file} defines: ${listed()
            .map((e) => e.name)
            .join(", ")}`,
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

/** A cluster as `flyby environments --json` lists it: a GKE cluster path or a kubeconfig context. */
export type ClusterRef =
  | { readonly name: string; readonly gke: string }
  | { readonly name: string; readonly context: string };

export function clusterRef(c: Cluster): ClusterRef {
  return c.kind === "gke" ? { name: c.name, gke: gkeClusterPath(c) } : { name: c.name, context: c.context };
}

/** How reports name a cluster: its GKE path or `context:NAME`. */
export function clusterLabel(c: Cluster): string {
  return c.kind === "gke" ? gkeClusterPath(c) : `context:${c.context}`;
}

/** `projects/P/locations/L/clusters/C`, checked part by part so a refusal says what is wrong. */
export function parseGkeClusterPath(value: string): string {
  const refuse = (reason: string): never => {
    throw new UsageError(`--gke "${value}": ${reason}`);
  };
  const parts = /^projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/.exec(value);
  if (!parts) return refuse("is not projects/PROJECT/locations/LOCATION/clusters/NAME");
  const [, project = "", location = "", cluster = ""] = parts;
  if (!/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/.test(project))
    refuse(
      `project ID "${project}" must be 6–30 characters: lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
    );
  if (!/^[-a-z0-9]+$/.test(location))
    refuse(
      `location "${location}" must be lowercase letters, digits and hyphens, as us-central1 or europe-west4-b`,
    );
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(cluster))
    refuse(
      `cluster name "${cluster}" must be lowercase letters, digits and hyphens, not starting or ending with a hyphen`,
    );
  return value;
}
