import { newSalt, Redactor } from "../diff/redact.ts";
import type { Notification } from "./webhook.ts";

// Made on first use: edge runtimes refuse random numbers outside a request.
let shared: Redactor | undefined;
function defaultRedactor(): Redactor {
  shared ??= new Redactor(newSalt());
  return shared;
}

/** Annotations with secret-looking ones masked: by name whole, by value where a credential appears. */
export function redactAnnotations(
  annotations: Readonly<Record<string, string>>,
  redactor: Redactor = defaultRedactor(),
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) out[k] = redactor.named(k, v) as string;
  return out;
}

/**
 * The notification with secret-looking annotations masked, through the same redaction as the
 * diff and the PR comment: what sinks, logs and the status page see.
 */
export function redactNotification(n: Notification, redactor: Redactor = defaultRedactor()): Notification {
  return {
    ...n,
    commonAnnotations: redactAnnotations(n.commonAnnotations, redactor),
    alerts: n.alerts.map((a) => ({ ...a, annotations: redactAnnotations(a.annotations, redactor) })),
  };
}
