import { hex } from "./idempotency.ts";

const encoder = new TextEncoder();

/**
 * Compares two secrets in time that depends only on the longer one's length, never on where
 * they differ (the length of a token is not what keeps it secret).
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  const length = Math.max(x.length, y.length);
  let diff = x.length ^ y.length;
  for (let i = 0; i < length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

export function bearerMatches(header: string | null, tokens: readonly string[]): boolean {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  const presented = match?.[1];
  if (!presented) return false;
  let ok = false;
  // Check every token so the time taken does not reveal which one matched.
  for (const token of tokens) ok = constantTimeEqual(presented, token) || ok;
  return ok;
}

export const SignatureHeader = "x-flyby-signature";
export const TimestampHeader = "x-flyby-timestamp";

/** `sha256=<hex>` of HMAC-SHA256(secret, "<timestamp>.<body>"). */
export async function sign(secret: string, timestamp: string, body: Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const prefix = encoder.encode(`${timestamp}.`);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return `sha256=${hex(await crypto.subtle.sign("HMAC", key, message))}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export async function verifySignature(
  headers: Headers,
  body: Uint8Array,
  secret: string,
  windowMs: number,
  nowMs: number,
): Promise<SignatureCheck> {
  const timestamp = headers.get(TimestampHeader);
  const signature = headers.get(SignatureHeader);
  if (!timestamp || !signature) return { ok: false, reason: "signature or timestamp header missing" };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "timestamp is not unix seconds" };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > windowMs) {
    return { ok: false, reason: "timestamp outside the replay window" };
  }
  const expected = await sign(secret, timestamp, body);
  return constantTimeEqual(signature, expected) ? { ok: true } : { ok: false, reason: "bad signature" };
}
