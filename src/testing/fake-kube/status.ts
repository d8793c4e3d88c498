import { qualifiedName, type ResourceType } from "./resources.ts";

export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
}

/** A failed request, carrying the Status body kube-apiserver would send. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string | undefined,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

function groupPart(t: ResourceType): { group?: string } {
  return t.group ? { group: t.group } : {};
}

export function notFound(t: ResourceType, name: string): ApiError {
  return new ApiError(404, "NotFound", `${qualifiedName(t)} "${name}" not found`, {
    name,
    ...groupPart(t),
    kind: t.resource.name,
  });
}

export function namespaceNotFound(namespace: string): ApiError {
  return new ApiError(404, "NotFound", `namespaces "${namespace}" not found`, {
    name: namespace,
    kind: "namespaces",
  });
}

export function namespaceTerminating(t: ResourceType, name: string, namespace: string): ApiError {
  return new ApiError(
    403,
    "Forbidden",
    `${qualifiedName(t)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    {
      name,
      ...groupPart(t),
      kind: t.resource.name,
      causes: [
        {
          reason: "NamespaceTerminating",
          message: `namespace ${namespace} is being terminated`,
          field: "metadata.namespace",
        },
      ],
    },
  );
}

export function forbidden(
  user: string,
  verb: string,
  t: ResourceType,
  namespace: string | undefined,
  name: string | undefined,
): ApiError {
  const subject = name === undefined ? qualifiedName(t) : `${qualifiedName(t)} "${name}"`;
  const scope = namespace === undefined ? "at the cluster scope" : `in the namespace "${namespace}"`;
  return new ApiError(
    403,
    "Forbidden",
    `${subject} is forbidden: User "${user}" cannot ${verb} resource "${t.resource.name}" in API group "${t.group}" ${scope}`,
    { ...(name === undefined ? {} : { name }), ...groupPart(t), kind: t.resource.name },
  );
}

export function forbiddenPath(user: string, verb: string, path: string): ApiError {
  return new ApiError(403, "Forbidden", `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
}

export const unauthorized = (): ApiError => new ApiError(401, "Unauthorized", "Unauthorized");

export function invalid(kind: string, group: string, name: string, causes: readonly StatusCause[]): ApiError {
  const label = group ? `${kind}.${group}` : kind;
  const what = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
  const list = causes.length > 1 ? `[${what}]` : what;
  return new ApiError(422, "Invalid", `${label} "${name}" is invalid: ${list}`, {
    ...(name ? { name } : {}),
    ...(group ? { group } : {}),
    kind,
    causes,
  });
}

export const badRequest = (message: string): ApiError => new ApiError(400, "BadRequest", message);

export const internalError = (message: string): ApiError => new ApiError(500, undefined, message);

export function applyConflict(conflicts: readonly { manager: string; field: string }[]): ApiError {
  const n = conflicts.length;
  const list = conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`);
  const message =
    n === 1
      ? `Apply failed with 1 conflict: ${list[0]}`
      : `Apply failed with ${n} conflicts: ${list.join("\n")}`;
  return new ApiError(409, "Conflict", message, {
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with "${c.manager}"`,
      field: c.field,
    })),
  });
}

export function alreadyExists(t: ResourceType, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${qualifiedName(t)} "${name}" already exists`, {
    name,
    ...groupPart(t),
    kind: t.resource.name,
  });
}

export const unsupportedMediaType = (): ApiError =>
  new ApiError(415, "UnsupportedMediaType", "415: Unsupported Media Type", {});

export function success(t: ResourceType, name: string, uid: string): Record<string, unknown> {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    details: { name, ...groupPart(t), kind: t.resource.name, uid },
  };
}
