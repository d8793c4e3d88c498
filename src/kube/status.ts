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
