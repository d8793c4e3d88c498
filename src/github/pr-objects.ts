import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { InputError } from "../core/errors.ts";
import { isClusterScoped } from "../core/kube/kinds.ts";
import type { KubeObject, RenderedObject } from "../core/kube/object.ts";
import type { Environment } from "../core/manifests/environments.ts";

/**
 * The rendered objects a PR job hands to the trusted live job, as an artifact. The PR's own
 * code wrote it, so the reader treats it as untrusted data: size-capped, schema-checked, and
 * limited to what the environment (as the default branch declares it) may own.
 */

/** An artifact larger than this is refused before it is read. */
export const maxArtifactBytes = 32 * 1024 * 1024;
const maxObjects = 10_000;

const name = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "must be a Kubernetes object name");

const PrObject = z.object({
  object: z
    .object({
      apiVersion: z.string().regex(/^([a-z0-9.-]+\/)?v[0-9a-z]+$/, "must be an apiVersion"),
      kind: z.string().regex(/^[A-Z][A-Za-z0-9]{0,62}$/, "must be a kind"),
      metadata: z.object({ name, namespace: name.optional() }).passthrough(),
    })
    .passthrough(),
  source: z
    .object({
      file: z
        .string()
        .regex(/^manifests\/[^\0]*$/, "must be a file under manifests/")
        .refine((f) => !f.includes(".."), "must not climb out"),
      line: z.number().int().min(1),
    })
    .strict(),
});

const PrObjects = z
  .object({
    environment: z.string(),
    objects: z.array(PrObject).max(maxObjects),
  })
  .strict();

/** What the PR job uploads for one environment. */
export function encodePrObjects(environment: string, objects: readonly RenderedObject[]): string {
  return `${JSON.stringify({ environment, objects: objects.map((r) => ({ object: r.object, source: r.source })) })}\n`;
}

function owned(env: Environment, o: KubeObject): boolean {
  if (o.kind === "Namespace") return env.namespaces.includes(o.metadata.name);
  if (isClusterScoped(o.kind)) return env.clusterScoped;
  return o.metadata.namespace !== undefined && env.namespaces.includes(o.metadata.namespace);
}

/** Reads and checks an uploaded artifact for `environment`; any violation is an InputError naming the field. */
export function readPrObjects(file: string, environment: Environment): RenderedObject[] {
  const size = statSync(file).size;
  if (size > maxArtifactBytes) {
    throw new InputError(`the artifact is ${size} bytes; at most ${maxArtifactBytes} are read`, {
      file,
      line: 1,
    });
  }
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError(`not JSON: ${(e as Error).message}`, { file, line: 1 });
  }
  const parsed = PrObjects.safeParse(data);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new InputError(
      issue?.message ?? "not a flyby objects artifact",
      { file, line: 1 },
      issue?.path.join("."),
    );
  }
  if (parsed.data.environment !== environment.name) {
    throw new InputError(
      `the artifact is for "${parsed.data.environment}", not "${environment.name}"`,
      { file, line: 1 },
      "environment",
    );
  }
  return parsed.data.objects.map((r, i) => {
    const object = r.object as unknown as KubeObject;
    if (!owned(environment, object)) {
      throw new InputError(
        `${object.kind} ${object.metadata.namespace ?? ""}/${object.metadata.name} is outside the environment ${environment.name}'s namespaces`,
        { file, line: 1 },
        `objects[${i}].object.metadata`,
      );
    }
    return { object, source: r.source };
  });
}
