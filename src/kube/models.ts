import type { KubernetesObject } from "@kubernetes/client-node";
import { ObjectSerializer } from "@kubernetes/client-node/dist/gen/models/ObjectSerializer.js";
import { getSerializationType } from "@kubernetes/client-node/dist/util.js";
import type { KubeObject } from "../core/kube/object.ts";

/**
 * client-node sends and returns its generated models, whose property names differ from the
 * API's where the API's are reserved words (`from` is `_from`). Plain API JSON is converted
 * into the model before a request and back after it, so no field is lost either way.
 */
export function toModel(o: KubeObject): KubernetesObject {
  return ObjectSerializer.deserialize(structuredClone(o), getSerializationType(o.apiVersion, o.kind), "");
}

export function fromModel(model: unknown, apiVersion: string, kind: string): KubeObject {
  const plain = ObjectSerializer.serialize(model, getSerializationType(apiVersion, kind), "") as KubeObject;
  return { ...plain, apiVersion, kind };
}

/** The parts of a Kubernetes Status error body flyby reports. */
export interface StatusBody {
  message?: string;
  readonly reason?: string;
  readonly details?: {
    readonly kind?: string;
    readonly causes?: { field?: string; message?: string; reason?: string }[];
  };
}

/** A Status from an error body, which client-node hands over as text or as parsed JSON. */
export function statusOf(body: unknown): StatusBody {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as StatusBody;
}
