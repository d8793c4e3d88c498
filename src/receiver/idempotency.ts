import type { Notification } from "./webhook.ts";

/**
 * The idempotency key of a notification: SHA-256 over groupKey, the group status and the
 * sorted (fingerprint, status, startsAt) of every alert. Retries of one notification and the
 * same notification sent by each Alertmanager of an HA pair share it; a change in any alert
 * gives a new key.
 */
export async function idempotencyKey(n: Notification, sha256: Sha256 = subtleSha256): Promise<string> {
  const alerts = n.alerts.map((a) => [a.fingerprint, a.status, a.startsAt].join("\u0000")).sort();
  return sha256(JSON.stringify([n.groupKey, n.status, alerts]));
}

/** Hex SHA-256 of UTF-8 text. Runtimes with a synchronous hasher pass it in: WebCrypto's is async and slow. */
export type Sha256 = (text: string) => string | Promise<string>;

export async function subtleSha256(text: string): Promise<string> {
  return hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
}

export function hex(buffer: ArrayBuffer): string {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}
