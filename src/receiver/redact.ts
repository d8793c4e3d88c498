import type { Notification } from "./webhook.ts";

const secretKey = /secret|token|passw(or)?d|api[_-]?key|credential|authorization|private[_-]?key/i;
const secretValue =
  /xox[abprs]-|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY|Bearer\s+\S{8,}/;
export const Redacted = "[redacted]";

export function redactAnnotations(annotations: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) {
    out[k] = secretKey.test(k) || secretValue.test(v) ? Redacted : v;
  }
  return out;
}

/** The notification with secret-looking annotations blanked: what sinks, logs and the status page see. */
export function redactNotification(n: Notification): Notification {
  return {
    ...n,
    commonAnnotations: redactAnnotations(n.commonAnnotations),
    alerts: n.alerts.map((a) => ({ ...a, annotations: redactAnnotations(a.annotations) })),
  };
}
