import type { Notification } from "./webhook.ts";

/**
 * The idempotency key of a notification: SHA-256 over groupKey, the group status and the
 * sorted (fingerprint, status, startsAt) of every alert. Retries of one notification and the
 * same notification sent by each Alertmanager of an HA pair share it; a change in any alert
 * gives a new key.
 */
export async function idempotencyKey(n: Notification): Promise<string> {
  const alerts = n.alerts.map((a) => [a.fingerprint, a.status, a.startsAt].join("\u0000")).sort();
  const canonical = JSON.stringify([n.groupKey, n.status, alerts]);
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonical)));
}

export function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}
